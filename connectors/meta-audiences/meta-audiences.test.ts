/** The Meta connector through the real engine (plan → begin → deliver → commit → finalize) against the sandbox, with the demo seed's contacts. */
import crypto from "node:crypto";
import { and, asc, eq, ne } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { consents, contacts, syncRecordLogs, syncRecords, syncRunSteps } from "@/lib/db/schema";
import { connectTestDb, newWorkspace } from "@/test/db";
import { syncTestRuntime } from "@/test/sync-runtime";
import { metaAudiences } from ".";
import { type MetaSandboxOptions, startMetaSandbox } from "./sandbox";
import { connectorContext } from "@/lib/http/context";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);
const sha = (v: string) => crypto.createHash("sha256").update(v).digest("hex");

const notInUs = { type: "group" as const, combinator: "and" as const, children: [{ type: "condition" as const, column: "country", operator: "not_equals" as const, value: "US" }] };
const mapping = [
  { from: { field: "email" }, to: "EMAIL" },
  { from: { field: "phone" }, to: "PHONE" },
  { from: { field: "first_name" }, to: "FN" },
  { from: { field: "last_name" }, to: "LN" },
  { from: { field: "city" }, to: "CT" },
  { from: { field: "country" }, to: "COUNTRY" },
  { from: { field: "birth_date" }, to: "DOBY" },
];

/** A workspace with demo contacts, a sandbox ad account with an audience, and a sync of the contacts outside the US to it. */
async function setup(p: { contacts?: number; sandbox?: MetaSandboxOptions; object?: (audienceId: string) => string; consent?: { channel: "email" } } = {}) {
  const sandbox = await startMetaSandbox(p.sandbox);
  runtime.closeAfter(sandbox);
  const audience = sandbox.addAudience({ name: "Newsletter readers" });
  const workspaceId = await newWorkspace(db, { seed: { contacts: p.contacts ?? 24, products: 2, orders: 5, orderItems: 10 } });
  const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
  const settings = { adAccountId: sandbox.adAccountId, graphVersion: "v25.0", apiBaseUrl: sandbox.url, newAudiences: ["Spring buyers"] };
  const connection = await createConnection(db, { workspaceId, connector: "meta-audiences", name: "Meta", settings, secrets: { accessToken: sandbox.token } });
  const sync = await createSync(db, {
    workspaceId,
    input: { name: "Readers to Meta", datasetId: dataset.id, filter: notInUs, connectionId: connection.id, object: p.object?.(audience.id) ?? audience.id, mapping, matchKey: { from: "id", to: "EXTERN_ID" }, onLeave: "delete", deletionLimit: null, consent: p.consent },
  });
  const run = async (mode: "incremental" | "replace" = "incremental") => runtime.run({ workspaceId, syncId: sync.id, mode }, 60_000);
  const people = () => db.query.contacts.findMany({ where: and(eq(contacts.workspaceId, workspaceId), ne(contacts.country, "US")), orderBy: asc(contacts.id) });
  const uploads = () => sandbox.log.filter((l) => /\/users(replace)?$/.test(l.path));
  const logOf = (runId: string, key: string) => db.query.syncRecordLogs.findMany({ where: and(eq(syncRecordLogs.runId, runId), eq(syncRecordLogs.recordKey, key)), orderBy: asc(syncRecordLogs.attempt) });
  const setContact = (id: string, values: Partial<typeof contacts.$inferInsert>) => db.update(contacts).set({ ...values, updatedAt: new Date() }).where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, id)));
  return { sandbox, audience, workspaceId, connection, sync, run, people, uploads, logOf, setContact, members: () => sandbox.audience(audience.id)!.members };
}

type Session = { session_id: number; batch_seq: number; last_batch_flag: boolean };
const sessionOf = (params: Record<string, unknown>) => params.session as Session;
const payloadOf = (params: Record<string, unknown>) => params.payload as { schema: string[]; data: string[][] };

describe("syncing contacts to a Meta custom audience", () => {
  it("adds everyone on the first run in one session its last batch closes (no row sent twice), every identifier hashed as Meta documents, no raw PII sent", async () => {
    const t = await setup();
    const people = await t.people();
    const first = await t.run();
    expect(first).toMatchObject({ status: "succeeded", created: people.length, failed: 0, notice: expect.stringMatching(new RegExp(`^Added ${people.length} in "Newsletter readers"`)) });

    const [upload] = t.uploads();
    expect(t.uploads()).toHaveLength(1);
    expect(upload).toMatchObject({ method: "POST", status: 200, path: `/v25.0/${t.audience.id}/users` });
    expect(sessionOf(upload!.params)).toEqual({ session_id: expect.any(Number), batch_seq: 1, last_batch_flag: true });
    expect(payloadOf(upload!.params).schema).toEqual(["EXTERN_ID", "EMAIL", "PHONE", "DOBY", "LN", "FN", "CT", "COUNTRY"]);
    // Rows counted at Meta: one per person, none sent again to close the session.
    expect(t.sandbox.sessions.get(String(sessionOf(upload!.params).session_id))).toMatchObject({ closed: true, invalid: 0, received: people.length });

    const members = t.members();
    expect(members).toHaveLength(people.length);
    for (const c of people) {
      const member = members.find((m) => m.EXTERN_ID === c.id)!;
      expect(member.EMAIL).toBe(sha(c.email!.trim().toLowerCase()));
      expect(member.COUNTRY).toBe(sha(c.country!.toLowerCase()));
      if (c.birthDate) expect(member.DOBY).toBe(sha(String(c.birthDate).slice(0, 4)));
      expect(String(c.birthDate ?? "1999-01-01")).toMatch(/^\d{4}-/);
      for (const raw of [c.email!.trim().toLowerCase(), c.email!, c.phone, c.firstName?.trim().toLowerCase(), c.lastName?.toLowerCase()])
        if (raw) for (const l of t.uploads()) expect(l.raw).not.toContain(`"${raw}"`);
    }
    // The identifiers sent are kept, hashed, for a later removal.
    const state = await db.query.syncRecords.findFirst({ where: and(eq(syncRecords.syncId, t.sync.id), eq(syncRecords.recordKey, people[0]!.id)) });
    expect(state?.identifiers).toMatchObject({ EXTERN_ID: people[0]!.id, EMAIL: sha(people[0]!.email!.trim().toLowerCase()) });

    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 0 });
    expect(t.uploads()).toHaveLength(1);
  });

  it("removes a contact who leaves the segment by the identifiers last sent, and a changed email's old row before adding the new one", async () => {
    const t = await setup();
    await t.run();
    const [leaver, changer] = await t.people();
    const changerBefore = (await db.query.syncRecords.findFirst({ where: and(eq(syncRecords.syncId, t.sync.id), eq(syncRecords.recordKey, changer!.id)) }))!.identifiers!;
    const sentBefore = (await db.query.syncRecords.findFirst({ where: and(eq(syncRecords.syncId, t.sync.id), eq(syncRecords.recordKey, leaver!.id)) }))!.identifiers!;
    // The leaver's email changes too: the removal still names what Meta was sent.
    await t.setContact(leaver!.id, { country: "US", email: "moved.away@example.com" });
    await t.setContact(changer!.id, { email: "  New.Address@Example.com " });
    const before = t.uploads().length;
    const second = await t.run();
    expect(second).toMatchObject({ status: "succeeded", deleted: 1, updated: 1 });
    const calls = t.uploads().slice(before);
    expect(calls.map((l) => `${l.method} ${sessionOf(l.params).batch_seq}${sessionOf(l.params).last_batch_flag ? " last" : ""}`)).toEqual(["DELETE 1 last", "POST 1 last"]);
    // One removal request, before the add: the leaver and the changer's row as last sent.
    const removal = payloadOf(calls[0]!.params);
    const removed = removal.data.map((row) => Object.fromEntries(removal.schema.map((k, i) => [k, row[i]]).filter(([, v]) => v)));
    expect(removed).toEqual([sentBefore, changerBefore]);
    expect(removal.data[0]).not.toContain(sha("moved.away@example.com"));
    expect(payloadOf(calls[1]!.params).data).toEqual([expect.arrayContaining([changer!.id, sha("new.address@example.com")])]);
    // Removals go as a POST with method=DELETE, a JSON body and the token in the query string, as the guide documents.
    for (const l of calls) expect(l).toMatchObject({ verb: "POST", query: { access_token: t.sandbox.token } });
    expect(calls.map((l) => l.query.method)).toEqual(["DELETE", undefined]);
    expect(calls.map((l) => t.sandbox.sessions.get(String(sessionOf(l.params).session_id))!.received)).toEqual([2, 1]);
    for (const l of t.sandbox.log) expect(l.raw).not.toContain(t.sandbox.token);
    expect(t.members().map((m) => m.EXTERN_ID)).not.toContain(leaver!.id);
    // The audience keeps rows as sent: the old email's row is gone, the person is in with the new one.
    expect(t.members().filter((m) => m.EXTERN_ID === changer!.id)).toEqual([expect.objectContaining({ EMAIL: sha("new.address@example.com") })]);
    expect(t.members().some((m) => m.EMAIL === changerBefore.EMAIL)).toBe(false);
    expect(t.members()).toHaveLength((await t.people()).length);
  });

  it("replaces the audience in a usersreplace session and waits while Meta applies it", async () => {
    const t = await setup({ sandbox: { replaceProcessingMs: 400 } });
    await t.run();
    t.members().push({ EMAIL: sha("stray@example.com") });
    const before = t.uploads().length;
    const replaced = await t.run("replace");
    const people = await t.people();
    expect(replaced).toMatchObject({ status: "succeeded", failed: 0, notice: expect.stringContaining(`Replaced the audience with ${people.length} people`) });
    const calls = t.uploads().slice(before);
    expect(calls.map((l) => `${l.path.split("/").at(-1)} ${sessionOf(l.params).batch_seq}${sessionOf(l.params).last_batch_flag ? " last" : ""}`)).toEqual(["usersreplace 1 last"]);
    expect(t.sandbox.sessions.get(String(sessionOf(calls[0]!.params).session_id))).toMatchObject({ closed: true, received: people.length });
    expect(t.members().map((m) => m.EXTERN_ID).sort()).toEqual(people.map((c) => c.id));
    const steps = await db.query.syncRunSteps.findMany({ where: eq(syncRunSteps.runId, replaced.id) });
    expect(steps.filter((s) => s.name.startsWith("Commit: Meta is replacing")).length).toBeGreaterThan(0);
  });

  it("waits the minutes X-Business-Use-Case-Usage gives after 80003, and while the audience is busy (2650/1870145)", async () => {
    const t = await setup();
    t.sandbox.inject({ code: 80003, regainMinutes: 1 });
    expect(await t.run()).toMatchObject({ status: "succeeded", failed: 0 });
    const [limited, retried] = t.uploads();
    expect(limited).toMatchObject({ status: 400, code: 80003 });
    // One minute, time-scaled by 0.01 in tests.
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(590);
    expect(retried).toMatchObject({ status: 200 });

    const [someone] = await t.people();
    await t.setContact(someone!.id, { firstName: "Renamed" });
    t.sandbox.audience(t.audience.id)!.busyUntil = Date.now() + 2_000;
    const before = t.uploads().length;
    expect(await t.run()).toMatchObject({ status: "succeeded", updated: 1 });
    const answers = t.uploads().slice(before).map((l) => `${l.method} ${l.status} ${l.subcode ?? ""}`.trim());
    // The renamed person's row as last sent leaves, then the new row comes, each ending its session.
    expect(answers[0]).toBe("DELETE 400 1870145");
    expect(answers.slice(answers.findIndex((a) => a.endsWith("200")))).toEqual(["DELETE 200", "POST 200"]);
    expect(answers.filter((a) => !a.endsWith("200")).every((a) => a.endsWith("400 1870145"))).toBe(true);
    expect(t.members()).toHaveLength((await t.people()).length);
  });

  it("fails the run at once, without retries, when Meta refuses the token (190)", async () => {
    const t = await setup();
    t.sandbox.inject({ code: 190 });
    const failed = await t.run();
    expect(failed).toMatchObject({ status: "failed", error: expect.stringMatching(/^Meta refused the access token: .*\(code 190\)/) });
    expect(t.uploads()).toHaveLength(1);

    t.sandbox.configure({ token: "a-revoked-token-000000000000" });
    const before = t.sandbox.log.length;
    expect(await t.run()).toMatchObject({ status: "failed", error: expect.stringMatching(/^Meta refused the access token: Invalid OAuth access token/) });
    expect(t.sandbox.log.length - before).toBe(1);
  });

  it("records rows Meta counts invalid as rejected, with Meta's reason, and says how many in the run", async () => {
    const t = await setup();
    const [, victim] = await t.people();
    t.sandbox.configure({ invalid: (m) => (m.EXTERN_ID === victim!.id ? "Meta cannot use this row" : undefined) });
    const run = await t.run();
    expect(run).toMatchObject({ status: "partial", failed: 1, notice: expect.stringContaining("Meta counted 1 invalid row (1 named in the record log)") });
    const [log] = await t.logOf(run.id, victim!.id);
    expect(log).toMatchObject({ status: "failed", errorKind: "rejected", message: "Meta counted this row as invalid: Meta cannot use this row", responseStatus: 200 });
    expect(log!.responseBody).toContain('"num_invalid_entries":1');
  });

  it("sends a person with the identifiers that are valid and records the one left out as a warning, not a failure", async () => {
    const t = await setup();
    const [, person] = await t.people();
    await t.setContact(person!.id, { phone: "12" });
    const run = await t.run();
    expect(run).toMatchObject({ status: "succeeded", failed: 0, created: (await t.people()).length });
    expect(await runtime.itemOf(run.id, person!.id)).toMatchObject({ status: "done", warning: expect.stringMatching(/^PHONE has \d digits: with its country code a phone number has 7 to 15: sent without it$/) });
    const member = t.members().find((m) => m.EXTERN_ID === person!.id)!;
    expect(member).toMatchObject({ EMAIL: sha(person!.email!.trim().toLowerCase()) });
    expect(member.PHONE).toBeUndefined();
    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 0 });
  });

  it("creates an audience named in the connection on its first run, and writes to it by name afterwards", async () => {
    const t = await setup({ object: () => "new:Spring buyers" });
    const objects = await metaAudiences.listObjects(connectorContext({ settings: { adAccountId: t.sandbox.adAccountId, graphVersion: "v25.0", apiBaseUrl: t.sandbox.url, newAudiences: ["Spring buyers"] }, secrets: { accessToken: t.sandbox.token } }));
    expect(objects.map((o) => o.name)).toEqual([t.audience.id, "new:Spring buyers"]);
    expect(await t.run()).toMatchObject({ status: "succeeded" });
    const [created] = [...t.sandbox.audiences.values()].filter((a) => a.name === "Spring buyers");
    expect(created).toMatchObject({ subtype: "CUSTOM", customerFileSource: "USER_PROVIDED_ONLY" });
    expect(created!.members).toHaveLength((await t.people()).length);
    const [someone] = await t.people();
    await t.setContact(someone!.id, { city: "Zzyzx" });
    expect(await t.run()).toMatchObject({ status: "succeeded", updated: 1 });
    expect([...t.sandbox.audiences.values()].filter((a) => a.name === "Spring buyers")).toHaveLength(1);
    expect(t.sandbox.log.filter((l) => l.method === "POST" && l.path.endsWith("/customaudiences"))).toHaveLength(1);
  });

  it("sends only contacts who granted email consent, and removes one who withdraws it on the next run", async () => {
    const t = await setup({ contacts: 30, consent: { channel: "email" } });
    const granted = async () => {
      const rows = await db.query.consents.findMany({ where: and(eq(consents.workspaceId, t.workspaceId), eq(consents.channel, "email")), orderBy: asc(consents.updatedAt) });
      const latest = new Map(rows.map((r) => [r.contactId, r.status]));
      return (await t.people()).filter((c) => latest.get(c.id) === "granted");
    };
    const before = await granted();
    const first = await t.run();
    expect(first).toMatchObject({ status: "succeeded", created: before.length, heldBack: (await t.people()).length - before.length });
    expect(t.members().map((m) => m.EXTERN_ID).sort()).toEqual(before.map((c) => c.id));

    const withdrawn = before[0]!;
    const sentBefore = (await db.query.syncRecords.findFirst({ where: and(eq(syncRecords.syncId, t.sync.id), eq(syncRecords.recordKey, withdrawn.id)) }))!.identifiers!;
    await db.update(consents).set({ status: "withdrawn", updatedAt: new Date() }).where(and(eq(consents.workspaceId, t.workspaceId), eq(consents.id, `${withdrawn.id}:email`)));
    const calls = t.uploads().length;
    expect(await t.run()).toMatchObject({ status: "succeeded", deleted: 1, created: 0 });
    const [removal] = t.uploads().slice(calls);
    expect(removal).toMatchObject({ method: "DELETE", status: 200 });
    const { schema, data } = payloadOf(removal!.params);
    expect(Object.fromEntries(schema.map((k, i) => [k, data[0]![i]]))).toEqual(sentBefore);
    expect(t.members().map((m) => m.EXTERN_ID)).not.toContain(withdrawn.id);
    expect(t.members()).toHaveLength(before.length - 1);
  });

  it("removes who withdrew consent in a replace that falls back to /users (audience of 100 M or more, 2650/1870144)", async () => {
    const t = await setup({ contacts: 30, consent: { channel: "email" } });
    await t.run();
    const held = t.members().map((m) => m.EXTERN_ID!).sort();
    const [withdrawn] = held;
    t.sandbox.audience(t.audience.id)!.size = 100_000_000;
    await db.update(consents).set({ status: "withdrawn", updatedAt: new Date() }).where(and(eq(consents.workspaceId, t.workspaceId), eq(consents.id, `${withdrawn}:email`)));
    const calls = t.uploads().length;
    const run = await t.run("replace");
    expect(run).toMatchObject({ status: "succeeded", deleted: 1, notice: expect.stringMatching(/^The rest went through \/users because .*1870144.*; added \d+; removed 1 in/) });
    expect(t.uploads().slice(calls).map((l) => `${l.method} ${l.path.split("/").at(-1)} ${l.status}`)).toEqual([
      "POST usersreplace 400",
      "DELETE users 200",
      "POST users 200",
    ]);
    expect(t.members().map((m) => m.EXTERN_ID).sort()).toEqual(held.slice(1));
  });

  it("removes who left the segment in a replace that falls back to /users", async () => {
    const t = await setup({ contacts: 30 });
    await t.run();
    const held = t.members().map((m) => m.EXTERN_ID!).sort();
    const [leaving] = held;
    t.sandbox.audience(t.audience.id)!.size = 100_000_000;
    await db.delete(contacts).where(and(eq(contacts.workspaceId, t.workspaceId), eq(contacts.id, leaving!)));
    expect(await t.run("replace")).toMatchObject({ status: "succeeded", deleted: 1 });
    expect(t.members().map((m) => m.EXTERN_ID).sort()).toEqual(held.slice(1));
  });
});
