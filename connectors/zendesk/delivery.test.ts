import { afterAll, describe, expect, it } from "vitest";
import type { DeliveryContext, WriteRecord } from "../types";
import { zendesk } from ".";
import type { ZendeskSecrets, ZendeskSettings } from "./config";
import { startZendeskSandbox, type ZendeskSandbox, type ZendeskSandboxOptions } from "./sandbox";
import { connectorContext } from "@/lib/http/context";

const sandboxes: ZendeskSandbox[] = [];
afterAll(() => Promise.all(sandboxes.map((s) => s.close())));

async function open(options: ZendeskSandboxOptions, object = "users", key = "external_id") {
  const sandbox = await startZendeskSandbox(options);
  sandboxes.push(sandbox);
  const ctx: DeliveryContext<ZendeskSettings, ZendeskSecrets> = {
    ...connectorContext({ settings: { subdomain: "acme", email: sandbox.email, sendVerifyEmail: false, apiBaseUrl: sandbox.url }, secrets: { apiToken: sandbox.token } }),
    object,
    mode: "incremental",
    fields: [key],
    key,
    runId: "run",
    syncId: "sync",
    startedAt: new Date(),
    records: async function* () {},
  };
  let state = await zendesk.delivery.begin(ctx);
  const write = async (records: WriteRecord[]) => {
    const written = await zendesk.delivery.write(ctx, state, records);
    state = written.state;
    return written.results;
  };
  return { sandbox, ctx, write, commit: () => zendesk.delivery.commit(ctx, state) };
}

const users = [
  { key: "k1", op: "create" as const, payload: { external_id: "k1", email: "one@example.com", name: "One" } },
  { key: "k2", op: "create" as const, payload: { external_id: "k2", email: "two@example.com", name: "Two" } },
];

describe("Zendesk delivery", () => {
  it("creates no second user when a batch is sent again (a replayed step): create_or_update matches the first", async () => {
    const t = await open({ bulkImport: true });
    const first = await t.write(users);
    const again = await t.write(users);
    expect(t.sandbox.endUsers()).toHaveLength(2);
    expect(again.map((r) => r.status === "ok" && [r.op, r.destinationId])).toEqual(first.map((r) => r.status === "ok" && ["update", r.destinationId]));
    expect(t.sandbox.verificationEmails).toEqual([]);
  });

  it("lets Zendesk send its verification email only when the connection asks for it", async () => {
    const t = await open({ bulkImport: true });
    t.ctx.connection.settings.sendVerifyEmail = true;
    await t.write(users);
    expect(t.sandbox.verificationEmails).toEqual(["one@example.com", "two@example.com"]);
  });

  it("rejects every record of a bulk request Zendesk refuses as a whole, with its explanation", async () => {
    const t = await open({ bulkImport: true });
    const records = Array.from({ length: 101 }, (_, i) => ({ key: `k${i}`, op: "create" as const, payload: { external_id: `k${i}`, name: `U${i}` } }));
    const results = await t.write(records);
    expect(new Set(results.map((r) => r.status === "failed" && `${r.kind}: ${r.message}`))).toEqual(new Set(["rejected: 400 InvalidValue: Too many users: at most 100 per request"]));
    expect(t.sandbox.endUsers()).toHaveLength(0);
  });

  it("fails the records of a job Zendesk no longer knows as technical (the next run sends them again)", async () => {
    const t = await open({ bulkImport: true, jobMs: 2_000 });
    const pending = t.write(users);
    while (!t.sandbox.log.some((l) => l.path === "/users/create_or_update_many")) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    t.sandbox.jobs.clear();
    const results = await pending;
    expect(results).toEqual(users.map((u) => ({ key: u.key, status: "failed", kind: "technical", message: expect.stringMatching(/^Zendesk no longer knows job [0-9a-f]+/), response: undefined, earlier: undefined })));
  });

  it("waits out the per-user limit on single updates (5 a minute; 2 here), keeping the bulk refusal for the whole run", async () => {
    const t = await open({ bulkImport: false, minuteMs: 500, perRecordPerMinute: 2 });
    for (let i = 0; i < 7; i++) expect(await t.write([{ ...users[0]!, op: "update", payload: { ...users[0]!.payload, name: `One ${i}` } }])).toMatchObject([{ status: "ok" }]);
    expect(t.sandbox.log.filter((l) => l.path === "/users/create_or_update_many").map((l) => l.status)).toEqual([403]);
    const singles = t.sandbox.log.filter((l) => l.path === "/users/create_or_update").map((l) => l.status);
    expect(singles.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(singles.filter((s) => s !== 429)).toEqual([201, 200, 200, 200, 200, 200, 200]);
    expect(t.sandbox.endUsers()).toMatchObject([{ external_id: "k1", name: "One 6" }]);
    expect((await t.commit()).message).toMatch(/^Zendesk refused users\/create_or_update_many \(403 Forbidden/);
  });

  it("does not take over an organization of the same name that carries another external ID", async () => {
    const t = await open({}, "organizations");
    const other = t.sandbox.addOrganization({ name: "Acme", external_id: "theirs" });
    const [result] = await t.write([{ key: "ours", op: "create", payload: { external_id: "ours", name: "Acme" } }]);
    expect(result).toMatchObject({ status: "failed", kind: "duplicate", existingId: String(other.id), message: "422 RecordInvalid: Name: has already been taken" });
    expect(t.sandbox.organizations.get(other.id)).toMatchObject({ external_id: "theirs" });
  });

  it("updates organizations matched on their name: create_or_update never matches by name, so the 422 leads to the named one", async () => {
    const t = await open({}, "organizations", "name");
    const existing = t.sandbox.addOrganization({ name: "Globex" });
    const [result] = await t.write([{ key: "Globex", op: "create", payload: { name: "Globex", details: "Springfield" } }]);
    expect(result).toMatchObject({ status: "ok", op: "update", destinationId: String(existing.id), earlier: [{ op: "create", kind: "duplicate", response: { status: 422 } }] });
    expect(t.sandbox.organizations.get(existing.id)).toMatchObject({ details: "Springfield" });
    expect(t.sandbox.organizations.size).toBe(1);
  });

  it("turns 403 on single calls into a run-stopping error that says which permission is missing", async () => {
    const t = await open({ bulkImport: true, role: "agent" });
    const [created] = await t.write(users.slice(0, 1));
    await expect(t.write([{ key: "k1", op: "delete", destinationId: created!.status === "ok" ? created!.destinationId : null }])).rejects.toThrow(/^Zendesk refused to delete user \d+ \(403 Forbidden: You do not have access to this page\..*\): only admins can delete users$/);
  });
});
