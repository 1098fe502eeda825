import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inngestRuns } from "@/inngest/local/schema";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createChannel } from "@/lib/notify/channel-store";
import { createSync, updateSync } from "@/lib/syncs/save";
import { notificationDeliveries } from "@/lib/db/schema";
import { startAppRuntime } from "@/test/app-runtime";
import { connectTestDb, newWorkspace, smallScale } from "@/test/db";
import { type Destination, postgresDestination } from "@/test/destinations";
import { startReceiver } from "@/test/receiver";
import { startSmtpSink } from "@/test/smtp";
import { checkStaleSyncs, sendTestNotice } from "./notices";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from "./signature";

const { db } = connectTestDb();
const SECRET = "a-webhook-secret-of-some-length";
let runtime: Awaited<ReturnType<typeof startAppRuntime>>;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let dest: Destination;
let requestSyncRun: (typeof import("@/inngest/requests"))["requestSyncRun"];
let workspaceId: string;
let syncId: string;
let channels: { email: string; webhook: string };
let input: Record<string, unknown>;

beforeAll(async () => {
  smtp = await startSmtpSink(Number(new URL(process.env.SMTP_URL!).port));
  receiver = await startReceiver();
  runtime = await startAppRuntime(db);
  ({ requestSyncRun } = await import("@/inngest/requests"));
  dest = await postgresDestination();
  workspaceId = await newWorkspace(db, { seed: smallScale });
  const email = await createChannel(db, { workspaceId, input: { kind: "email", name: "Ops mail", recipients: ["ops@example.com", "data@example.com"] } });
  const webhook = await createChannel(db, { workspaceId, input: { kind: "webhook", name: "Pager", url: `${receiver.url}/hooks/relay`, secret: SECRET } });
  channels = { email: email.channel.id, webhook: webhook.channel.id };
  const connection = await createConnection(db, { workspaceId, connector: "postgres", name: "Warehouse", settings: dest.settings, secrets: dest.secrets });
  await dest.query("CREATE TABLE audience (contact_id text PRIMARY KEY, email text)");
  const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
  input = { name: "Audience", datasetId: dataset.id, connectionId: connection.id, object: "audience", mapping: [{ from: { field: "email" }, to: "email" }], matchKey: { from: "id", to: "contact_id" } };
  const sync = await createSync(db, { workspaceId, input: { ...input, alerts: { channelIds: [channels.email, channels.webhook], onFailure: true, staleHours: 6 } } });
  syncId = sync.id;
});
afterAll(async () => {
  await runtime?.stop();
  await Promise.all([smtp?.close(), receiver?.close(), dest?.close()]);
});

/** Runs the sync and waits until the alert rules have judged the run (the notify function has finished). */
async function runAndJudge(id = syncId) {
  const judged = async () =>
    (await db.select({ id: inngestRuns.id }).from(inngestRuns).where(and(eq(inngestRuns.functionId, "relay-notify-run-finished"), eq(inngestRuns.status, "completed")))).length;
  const before = await judged();
  const run = await runtime.runEnded((await requestSyncRun(db, { workspaceId, syncId: id, trigger: "manual", mode: "incremental" })).id);
  await expect.poll(judged, { timeout: 20_000 }).toBeGreaterThan(before);
  return run;
}

const settled = (ofSync?: string) =>
  expect
    .poll(
      async () =>
        (await db.select({ status: notificationDeliveries.status }).from(notificationDeliveries).where(ofSync ? eq(notificationDeliveries.syncId, ofSync) : eq(notificationDeliveries.workspaceId, workspaceId))).filter(
          (d) => d.status === "pending",
        ).length,
      { timeout: 20_000 },
    )
    .toBe(0);

describe("failure notifications", () => {
  it("a failing run sends one email (text and HTML, with the run's link) and one signed webhook, retried after a 500", async () => {
    await dest.query("ALTER TABLE audience RENAME TO audience_gone");
    receiver.answer(500);
    const run = await runAndJudge();
    expect(run.status).toBe("failed");
    await expect.poll(() => smtp.messages.length, { timeout: 20_000 }).toBe(1);
    await expect.poll(() => receiver.requests.length, { timeout: 20_000 }).toBe(2);
    await settled();

    const [mail] = smtp.messages;
    expect(mail!.to.sort()).toEqual(["data@example.com", "ops@example.com"]);
    expect(mail!.subject).toMatch(/^\[Relay\] “Audience” failed: /);
    expect(mail!.text).toContain(`/runs/${run.id}`);
    expect(mail!.html).toContain(`/runs/${run.id}`);
    expect(mail!.html).toContain("<h2");

    const [refused, accepted] = receiver.requests;
    expect([refused!.answeredWith, accepted!.answeredWith]).toEqual([500, 200]);
    expect(accepted!.body).toBe(refused!.body);
    const headers = { timestamp: accepted!.headers[TIMESTAMP_HEADER] as string, signature: accepted!.headers[SIGNATURE_HEADER] as string };
    expect(verifyWebhook(SECRET, accepted!.body, headers)).toBe(true);
    expect(verifyWebhook("some-other-secret-value", accepted!.body, headers)).toBe(false);
    const body = JSON.parse(accepted!.body);
    expect(body).toMatchObject({ type: "sync.alert", rule: "failure", sync: { id: syncId, name: "Audience" }, run: { id: run.id, status: "failed" } });
    expect(body.url).toMatch(new RegExp(`/runs/${run.id}$`));

    const [webhookDelivery] = await db.select().from(notificationDeliveries).where(eq(notificationDeliveries.channelId, channels.webhook));
    expect(webhookDelivery!.status).toBe("sent");
    expect(webhookDelivery!.attempts.map((a) => [a.ok, a.status])).toEqual([
      [false, 500],
      [true, 200],
    ]);
  });

  it("a second failing run in a row sends nothing", async () => {
    expect((await runAndJudge()).status).toBe("failed");
    await settled();
    expect(smtp.messages).toHaveLength(1);
    expect(receiver.requests).toHaveLength(2);
  });

  it("a succeeding run sends a recovery notice", async () => {
    await dest.query("ALTER TABLE audience_gone RENAME TO audience");
    expect((await runAndJudge()).status).toBe("succeeded");
    await expect.poll(() => smtp.messages.length, { timeout: 20_000 }).toBe(2);
    await expect.poll(() => receiver.requests.length, { timeout: 20_000 }).toBe(3);
    expect(smtp.messages[1]!.subject).toBe("[Relay] “Audience” recovered: its runs complete again");
    expect(JSON.parse(receiver.requests[2]!.body)).toMatchObject({ type: "sync.recovered", rule: "failure" });
  });

  it("rejected records over the threshold alert once, with the top error kind and an example answer", async () => {
    // Rows already there stay; every write of an address starting with a to f is refused from now on.
    await dest.query("ALTER TABLE audience ADD CONSTRAINT no_a_to_f CHECK (email !~* '^[a-f]') NOT VALID");
    // Every row changes (upper case); a change that leaves the alert rules out keeps them.
    await updateSync(db, { workspaceId, syncId, input: { ...input, mapping: [{ from: { field: "email" }, to: "email", transforms: [{ type: "uppercase" }] }] } });
    expect((await runAndJudge()).status).toBe("partial");
    await expect.poll(() => smtp.messages.length, { timeout: 20_000 }).toBe(3);
    await settled();
    const mail = smtp.messages[2]!;
    expect(mail.subject).toMatch(/^\[Relay\] “Audience” rejected \d+ of \d+ records \(\d+(\.\d)?%\)$/);
    expect(mail.text).toContain("Top errors:");
    expect(mail.text).toContain("rejected:");
    expect(mail.text).toContain("no_a_to_f");
    expect(receiver.requests).toHaveLength(4);
    expect(JSON.parse(receiver.requests[3]!.body).top_errors[0]).toMatchObject({ kind: "rejected", example: { message: expect.stringContaining("no_a_to_f") } });
  });
});

describe("staleness and test notifications", () => {
  it("a sync with no completed run for its hours alerts once per change, from the periodic check", async () => {
    const later = new Date(Date.now() + 7 * 3_600_000);
    const { queued } = await checkStaleSyncs(db, later);
    const mine = await db.select().from(notificationDeliveries).where(and(eq(notificationDeliveries.syncId, syncId), eq(notificationDeliveries.rule, "stale")));
    expect(mine.map((d) => d.id).sort()).toEqual(queued.filter((id) => mine.some((d) => d.id === id)).sort());
    expect(mine).toHaveLength(2);
    expect(mine[0]!.subject).toBe("[Relay] “Audience” has not completed a run for 6 hours");
    expect((await checkStaleSyncs(db, new Date(later.getTime() + 600_000))).queued.filter((id) => mine.some((d) => d.id === id))).toEqual([]);
  });

  it("a test notification is delivered at once and its answer reported; a refused one says why", async () => {
    expect(await sendTestNotice(db, { workspaceId, channelId: channels.webhook })).toEqual({ ok: true, message: "Delivered: the receiver accepted it" });
    expect(JSON.parse(receiver.requests.at(-1)!.body)).toMatchObject({ type: "test", sync: null });
    receiver.answer(410);
    const refused = await sendTestNotice(db, { workspaceId, channelId: channels.webhook });
    expect(refused).toEqual({ ok: false, message: expect.stringContaining("answered 410") });
    const before = smtp.messages.length;
    expect((await sendTestNotice(db, { workspaceId, channelId: channels.email })).ok).toBe(true);
    expect(smtp.messages[before]!.subject).toMatch(/^\[Relay\] Test notification from Relay/);
  });

  it("a Slack channel posts Block Kit with a text fallback to its incoming webhook, which stays secret", async () => {
    const slackUrl = `${receiver.url}/services/T000/B000/XXXXSECRET`;
    const { channel } = await createChannel(db, { workspaceId, input: { kind: "slack", name: "Slack #data", webhookUrl: slackUrl } });
    expect(JSON.stringify(channel)).not.toContain("XXXXSECRET");
    expect((await sendTestNotice(db, { workspaceId, channelId: channel.id })).ok).toBe(true);
    const posted = receiver.requests.at(-1)!;
    expect(posted.path).toBe("/services/T000/B000/XXXXSECRET");
    const message = JSON.parse(posted.body);
    expect(message.text).toMatch(/^Test notification from Relay/);
    expect(message.blocks.map((b: { type: string }) => b.type)).toEqual(["header", "section", "actions", "context"]);
    receiver.answer(404);
    expect(await sendTestNotice(db, { workspaceId, channelId: channel.id })).toEqual({ ok: false, message: expect.stringContaining("answered 404: receiver_error") });
  });
});

describe("deletion guard notices", () => {
  it("a run held by the deletion limit says how many records it would delete and why, by email and webhook", async () => {
    const countries = (...value: string[]) => ({ type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "is_one_of", value }] });
    await dest.query("CREATE TABLE leavers (contact_id text PRIMARY KEY, email text)");
    const guarded = { ...input, name: "Leavers", object: "leavers", onLeave: "delete", alerts: { channelIds: [channels.email, channels.webhook] } };
    const sync = await createSync(db, { workspaceId, input: { ...guarded, filter: countries("FR", "DE") } });
    const first = await runAndJudge(sync.id);
    expect(first).toMatchObject({ status: "succeeded", deleted: 0 });
    await settled(sync.id);
    const [mails, hooks] = [smtp.messages.length, receiver.requests.length];

    await updateSync(db, { workspaceId, syncId: sync.id, input: { ...guarded, filter: countries("FR") } });
    const held = await runAndJudge(sync.id);
    expect(held.status).toBe("held");
    const leaving = held.plannedDeletes;
    expect(leaving).toBeGreaterThan(first.created / 5);
    await expect.poll(() => smtp.messages.length, { timeout: 20_000 }).toBe(mails + 1);
    await expect.poll(() => receiver.requests.length, { timeout: 20_000 }).toBe(hooks + 1);
    const mail = smtp.messages.at(-1)!;
    expect(mail.subject).toBe(`[Relay] “Leavers” held a run for confirmation: it would delete ${leaving} records`);
    expect(mail.text).toContain(`this run would delete ${leaving} records of the ${first.created} it holds`);
    expect(mail.text).toContain("more than 20 % of its records");
    expect(mail.text).toContain("Confirm and deliver");
    expect(mail.text).toContain(`/runs/${held.id}`);
    expect(mail.html).toContain("Confirm and deliver");
    const body = JSON.parse(receiver.requests.at(-1)!.body);
    expect(body).toMatchObject({ type: "sync.alert", rule: "deletions", run: { id: held.id, status: "held", counts: { planned_deletes: leaving }, notice: expect.stringContaining("more than 20 %") } });

    // The next run is held again: the rule is already alerting, so nothing more is sent.
    expect((await runAndJudge(sync.id)).status).toBe("held");
    await settled(sync.id);
    expect(smtp.messages).toHaveLength(mails + 1);
  });
});
