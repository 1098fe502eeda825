import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { contacts, products } from "@/lib/db/schema";
import { upsertRecords } from "@/lib/entities/upsert";
import { connectTestDb, newWorkspace } from "@/test/db";
import { syncTestRuntime } from "@/test/sync-runtime";
import { zendesk } from ".";
import { startZendeskSandbox, type ZendeskSandbox, type ZendeskSandboxOptions } from "./sandbox";
import { connectorContext } from "@/lib/http/context";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);

const userMapping = [
  { from: { field: "email" }, to: "email", transforms: [{ type: "trim" as const }, { type: "lowercase" as const }] },
  { from: { template: "{first_name} {last_name}" }, to: "name" },
  { from: { field: "country" }, to: "user_fields.country" },
  { from: { field: "orders_count" }, to: "user_fields.orders_count" },
];
const organizationMapping = [
  { from: { template: "{name} ({id})" }, to: "name" },
  { from: { field: "category" }, to: "organization_fields.segment" },
];

async function sandboxFor(options: ZendeskSandboxOptions = {}) {
  const sandbox = await startZendeskSandbox({ bulkImport: true, ...options });
  runtime.closeAfter(sandbox);
  return sandbox;
}
const connectionTo = (sandbox: ZendeskSandbox, token = sandbox.token) => ({ settings: { subdomain: "acme", email: sandbox.email, apiBaseUrl: sandbox.url, sendVerifyEmail: false }, secrets: { apiToken: token } });

/** A workspace with seeded contacts and products, a Zendesk sandbox and a sync of contacts to users (or products to organizations). */
async function setup(p: { sandbox?: ZendeskSandboxOptions; contacts?: number; object?: "users" | "organizations" } = {}) {
  const sandbox = await sandboxFor(p.sandbox);
  const object = p.object ?? "users";
  const workspaceId = await newWorkspace(db, { seed: { contacts: p.contacts ?? 10, products: 8, orders: 10, orderItems: 20 } });
  const dataset = (await getDatasetByName(db, { workspaceId, name: object === "users" ? "Contacts" : "Products" }))!;
  const connection = await createConnection(db, { workspaceId, connector: "zendesk", name: "Zendesk", ...connectionTo(sandbox) });
  const sync = await createSync(db, {
    workspaceId,
    input: {
      name: `Sync to Zendesk ${object}`,
      datasetId: dataset.id,
      connectionId: connection.id,
      object,
      mapping: object === "users" ? userMapping : organizationMapping,
      matchKey: { from: "id", to: "external_id" },
      onLeave: "delete",
      deletionLimit: null,
    },
  });
  const run = async (mode: "incremental" | "full" | "replace" = "incremental") => runtime.run({ workspaceId, syncId: sync.id, mode }, 60_000);
  const attempts = runtime.attempts;
  const itemOf = runtime.itemOf;
  const user = (externalId: string) => sandbox.endUsers().filter((u) => u.external_id === externalId);
  const organization = (externalId: string) => [...sandbox.organizations.values()].filter((o) => o.external_id === externalId);
  const calls = (from: number, method: string, path: string | RegExp) => sandbox.log.slice(from).filter((l) => l.method === method && (typeof path === "string" ? l.path === path : path.test(l.path)));
  return { sandbox, workspaceId, sync, run, attempts, itemOf, user, organization, calls };
}

const emailOf = async (workspaceId: string, id: string) => (await db.query.contacts.findFirst({ where: and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, id)) }))!.email!.trim().toLowerCase();

describe("Zendesk connection and fields", () => {
  it("tests the connection against /users/me only (no write, no bulk job) and says what is wrong", async () => {
    const sandbox = await sandboxFor({ bulkImport: false });
    const good = await zendesk.test(connectorContext(connectionTo(sandbox)));
    expect(good).toEqual({ ok: true, message: `Connected to ${sandbox.url} as Sandbox Admin (admin).` });
    // Bulk imports are not probed: a create_or_update_many, even empty, would queue a job on a real account.
    expect(sandbox.log.map((l) => [l.method, l.path, l.status])).toEqual([["GET", "/users/me", 200]]);

    expect(await zendesk.test(connectorContext(connectionTo(sandbox, "wrong-token")))).toEqual({
      ok: false,
      message: "Zendesk refused the email and API token (401 Couldn't authenticate you): check both, and that token access is on (Admin Center → Apps and integrations → Zendesk API)",
    });
    const agent = await sandboxFor({ role: "agent" });
    expect((await zendesk.test(connectorContext(connectionTo(agent)))).message).toMatch(/\(agent\)\. As an agent it cannot delete users/);
    const unknown = await zendesk.test(connectorContext({ ...connectionTo(sandbox), settings: { ...connectionTo(sandbox).settings, apiBaseUrl: `${sandbox.url}/nowhere` } }));
    expect(unknown).toEqual({ ok: false, message: `No Zendesk account answers at ${sandbox.url}/nowhere: check the subdomain` });
  });

  it("discovers the standard attributes and every active custom field, page by page", async () => {
    const many = Array.from({ length: 130 }, (_, i) => ({ id: 100 + i, key: `field_${i}`, type: i % 2 ? "integer" : "checkbox", title: `Field ${i}`, active: true }));
    const sandbox = await sandboxFor({ userFields: [...many, { id: 999, key: "plan", type: "dropdown", title: "Plan", active: true, custom_field_options: [{ id: 1, name: "Pro", value: "plan_pro" }] }, { id: 998, key: "old", type: "text", title: "Old", active: false }] });
    const fields = await zendesk.listFields(connectorContext(connectionTo(sandbox)), "users");
    const byName = new Map(fields.map((f) => [f.name, f]));
    expect(byName.get("external_id")).toMatchObject({ type: "string", key: "unique", required: false });
    expect(byName.get("email")).toMatchObject({ type: "string", key: "unique" });
    expect(byName.get("name")).toMatchObject({ type: "string", required: true, nullable: false });
    expect(byName.get("verified")).toMatchObject({ type: "boolean" });
    expect(byName.get("organization_id")).toMatchObject({ type: "integer" });
    expect(byName.has("id")).toBe(false);
    expect(byName.get("user_fields.field_0")).toMatchObject({ type: "boolean" });
    expect(byName.get("user_fields.field_129")).toMatchObject({ type: "integer" });
    expect(byName.get("user_fields.plan")).toMatchObject({ type: "string", description: "Plan (dropdown) Options: plan_pro" });
    expect(byName.has("user_fields.old")).toBe(false);
    expect(fields.filter((f) => f.name.startsWith("user_fields."))).toHaveLength(131);
    expect(sandbox.log.filter((l) => l.path === "/user_fields").map((l) => l.status)).toEqual([200, 200]);

    const organizations = await zendesk.listFields(connectorContext(connectionTo(sandbox)), "organizations");
    expect(organizations.find((f) => f.name === "name")).toMatchObject({ key: "unique", required: true });
    expect(organizations.find((f) => f.name === "external_id")).toMatchObject({ key: "unique" });
    expect(organizations.find((f) => f.name === "organization_fields.segment")).toMatchObject({ type: "string" });
    await expect(zendesk.listFields(connectorContext(connectionTo(sandbox)), "tickets")).rejects.toThrow('Zendesk has no object "tickets" here: pick users or organizations');
    await expect(zendesk.listFields(connectorContext(connectionTo(sandbox, "wrong")), "users")).rejects.toThrow(/^Zendesk refused the email and API token \(401/);
  });
});

describe("syncing contacts to Zendesk users", () => {
  it("creates users through a create_or_update_many job polled to completion, then sends only what changed", async () => {
    const t = await setup({ contacts: 30, sandbox: { jobMs: 150 } });
    const first = await t.run();
    expect(first).toMatchObject({ status: "succeeded", created: 30, failed: 0, error: null, notice: null });
    expect(t.sandbox.endUsers()).toHaveLength(30);
    const [u3] = t.user("c_00003");
    expect(u3).toMatchObject({ email: await emailOf(t.workspaceId, "c_00003"), user_fields: { country: expect.any(String), orders_count: expect.any(Number) } });
    expect(t.calls(0, "POST", "/users/create_or_update_many").map((l) => [l.status, l.items])).toEqual([[200, 30]]);
    expect(t.calls(0, "POST", "/users/create_or_update")).toHaveLength(0);
    const polls = t.calls(0, "GET", /^\/job_statuses\//).map((l) => l.jobStatus);
    expect(polls.at(-1)).toBe("completed");
    expect(polls.slice(0, -1).length).toBeGreaterThan(0);
    expect(polls.slice(0, -1).every((s) => s === "queued" || s === "working")).toBe(true);
    expect(await t.itemOf(first.id, "c_00003")).toMatchObject({ status: "done", resultOp: "create", destinationId: String(u3!.id) });

    const before = t.sandbox.log.length;
    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 0 });
    expect(t.sandbox.log.length).toBe(before);

    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [{ id: "c_00003", first_name: "Changed" }] });
    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 1, updated: 1, created: 0 });
    expect(t.calls(before, "POST", "/users/create_or_update_many").map((l) => [l.status, l.items])).toEqual([[200, 1]]);
    expect(t.user("c_00003")).toMatchObject([{ id: u3!.id, name: expect.stringMatching(/^Changed /) }]);
    expect(t.sandbox.endUsers()).toHaveLength(30);
  });

  it("updates the user Zendesk already had for a new record (create_or_update matches its email), and names the holder of a clashing email", async () => {
    const t = await setup({ contacts: 10 });
    const existing = t.sandbox.addUser({ name: "Added by an agent", email: await emailOf(t.workspaceId, "c_00004") });
    const first = await t.run();
    expect(first).toMatchObject({ status: "succeeded", created: 10, updated: 0 });
    expect(t.sandbox.endUsers()).toHaveLength(10);
    expect(t.user("c_00004")).toMatchObject([{ id: existing.id, name: expect.not.stringMatching(/^Added/) }]);
    // Zendesk settled it in the one request: no refused create happened, so the record log (failed attempts) has none.
    expect(t.calls(0, "POST", /^\/users\/create_or_update/).map((l) => [l.path, l.status, l.items])).toEqual([["/users/create_or_update_many", 200, 10]]);
    expect(await t.attempts(first.id, "c_00004")).toEqual([]);
    expect(await t.itemOf(first.id, "c_00004")).toMatchObject({ status: "done", attempts: 1, resultOp: "update", destinationId: String(existing.id) });

    // Another user takes an email first; our record then moves to that email: Zendesk refuses, naming no id.
    const holder = t.sandbox.addUser({ name: "Someone else", email: "taken@example.com" });
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [{ id: "c_00005", email: "taken@example.com" }] });
    const second = await t.run();
    expect(second).toMatchObject({ status: "partial", failed: 1 });
    expect(await t.itemOf(second.id, "c_00005")).toMatchObject({
      status: "failed",
      errorKind: "duplicate",
      message: `UserUpdateError: Email: taken@example.com is already being used by another user (Zendesk user ${holder.id})`,
    });
  });

  it("creates again a user deleted in Zendesk when its record changes (create_or_update creates it)", async () => {
    const t = await setup({ contacts: 6 });
    await t.run();
    const [gone] = t.user("c_00002");
    t.sandbox.deleteUser(gone!.id);
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [{ id: "c_00002", first_name: "Back" }] });
    const before = t.sandbox.log.length;
    const second = await t.run();
    expect(second).toMatchObject({ status: "succeeded", created: 1, updated: 0 });
    const [back] = t.user("c_00002");
    expect(back).toMatchObject({ name: expect.stringMatching(/^Back /), active: true });
    expect(back!.id).not.toBe(gone!.id);
    expect(t.calls(before, "POST", /^\/users\/create_or_update/).map((l) => [l.path, l.status, l.items])).toEqual([["/users/create_or_update_many", 200, 1]]);
    expect(await t.attempts(second.id, "c_00002")).toEqual([]);
    expect(await t.itemOf(second.id, "c_00002")).toMatchObject({ attempts: 1, resultOp: "create", destinationId: String(back!.id) });
  });

  it("deletes users whose contacts left the dataset: several through destroy_many, one with DELETE", async () => {
    const t = await setup({ contacts: 8 });
    await t.run();
    const ids = ["c_00001", "c_00002", "c_00003"].map((k) => t.user(k)[0]!.id);
    await db.delete(contacts).where(and(eq(contacts.workspaceId, t.workspaceId), inArray(contacts.id, ["c_00001", "c_00002", "c_00003"])));
    const before = t.sandbox.log.length;
    expect(await t.run()).toMatchObject({ status: "succeeded", deleted: 3 });
    expect(t.calls(before, "DELETE", "/users/destroy_many").map((l) => [l.status, l.query])).toEqual([[200, `?ids=${ids.join(",")}`]]);
    expect(ids.map((id) => t.sandbox.users.get(id)!.active)).toEqual([false, false, false]);
    expect(t.sandbox.endUsers()).toHaveLength(5);

    const last = t.user("c_00008")[0]!.id;
    await db.delete(contacts).where(and(eq(contacts.workspaceId, t.workspaceId), eq(contacts.id, "c_00008")));
    const mark = t.sandbox.log.length;
    expect(await t.run()).toMatchObject({ status: "succeeded", deleted: 1 });
    expect(t.calls(mark, "DELETE", /^\/users\//).map((l) => [l.path, l.status])).toEqual([[`/users/${last}`, 200]]);
    expect(t.sandbox.endUsers()).toHaveLength(4);
  });

  it("falls back to one create_or_update per user when bulk imports answer 403, and says so on the run", async () => {
    const t = await setup({ contacts: 120, sandbox: { bulkImport: false } });
    const run = await t.run();
    expect(run).toMatchObject({ status: "succeeded", created: 120, failed: 0 });
    expect(run.error).toBeNull();
    expect(run.notice).toMatch(/^Zendesk refused users\/create_or_update_many \(403 Forbidden: You do not have access to this page\..*\): bulk endpoints answer 403 until Zendesk Support enables bulk imports .* one at a time with users\/create_or_update\.$/);
    // Two batches, one refusal: the second batch went straight to single calls.
    expect(t.calls(0, "POST", "/users/create_or_update_many").map((l) => l.status)).toEqual([403]);
    expect(t.calls(0, "POST", "/users/create_or_update").map((l) => l.status)).toEqual(Array(120).fill(201));
    expect(t.sandbox.endUsers()).toHaveLength(120);
  });

  it("slows down on Zendesk's per-minute limit (429 + Retry-After, X-Rate-Limit-Remaining) and finishes without losing a record", async () => {
    const t = await setup({ contacts: 25, sandbox: { bulkImport: false, requestsPerMinute: 8, minuteMs: 400 } });
    const started = Date.now();
    const run = await t.run();
    expect(run).toMatchObject({ status: "succeeded", created: 25, failed: 0 });
    const writes = t.calls(0, "POST", "/users/create_or_update");
    expect(writes.filter((l) => l.status === 201)).toHaveLength(25);
    expect(new Set(t.sandbox.endUsers().map((u) => u.external_id)).size).toBe(25);
    // 26+ requests at 8 a sandbox minute span at least 3 minutes (400 ms each), and none was accepted over the limit.
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    const perMinute = new Map<number, number>();
    for (const l of t.sandbox.log.filter((l) => l.status !== 429)) perMinute.set(Math.floor(l.at / 400), (perMinute.get(Math.floor(l.at / 400)) ?? 0) + 1);
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(8);
    expect(t.sandbox.log.filter((l) => l.status === 429).length).toBeGreaterThan(0);
  });

  it("fails at once, without retries, when Zendesk refuses the credentials", async () => {
    const t = await setup({ contacts: 5 });
    t.sandbox.configure({ token: "rotated-token" });
    const before = t.sandbox.log.length;
    const run = await t.run();
    expect(run).toMatchObject({ status: "failed", error: expect.stringMatching(/^Zendesk refused the email and API token \(401 Couldn't authenticate you\)/) });
    expect(t.sandbox.log.slice(before).map((l) => [l.method, l.path, l.status])).toEqual([["POST", "/users/create_or_update_many", 401]]);
  });

  it("replaces: reads back the end users, creates and updates what the dataset has, deletes its own users it lacks, never others' or agents", async () => {
    const t = await setup({ contacts: 5 });
    await t.run();
    const stray = t.sandbox.addUser({ name: "Stray", email: "stray@example.com", external_id: "stray" });
    t.sandbox.deleteUser(t.user("c_00002")[0]!.id);
    const leaving = t.user("c_00005")[0]!;
    await db.delete(contacts).where(and(eq(contacts.workspaceId, t.workspaceId), eq(contacts.id, "c_00005")));
    const replaced = await t.run("replace");
    expect(replaced).toMatchObject({ status: "succeeded", created: 1, updated: 3, deleted: 1 });
    expect(t.sandbox.users.get(stray.id)!.active).toBe(true);
    expect(t.sandbox.users.get(leaving.id)!.active).toBe(false);
    expect(t.sandbox.endUsers().map((u) => u.external_id).sort()).toEqual(["c_00001", "c_00002", "c_00003", "c_00004", "stray"]);
    expect(t.sandbox.users.get(t.sandbox.me.id)!.active).toBe(true);
  });
});

describe("syncing products to Zendesk organizations", () => {
  it("creates one by one, adopts an organization with the same name, updates by id, recreates a deleted one, deletes on leave", async () => {
    const t = await setup({ object: "organizations" });
    const p4 = (await db.query.products.findFirst({ where: and(eq(products.workspaceId, t.workspaceId), eq(products.id, "p_0004")) }))!;
    const named = t.sandbox.addOrganization({ name: `${p4.name} (p_0004)` });
    const first = await t.run();
    expect(first).toMatchObject({ status: "succeeded", created: 8, updated: 0 });
    expect(t.sandbox.organizations.size).toBe(8);
    expect(t.organization("p_0004")).toMatchObject([{ id: named.id, organization_fields: { segment: p4.category } }]);
    expect(await t.attempts(first.id, "p_0004")).toEqual([
      [1, "create", "failed", "duplicate", 422],
      [2, "update", "ok", null, null],
    ]);
    expect(t.calls(0, "POST", "/organizations/create_or_update").map((l) => l.status).sort()).toEqual([...Array(7).fill(201), 422]);

    const gone = t.organization("p_0003")[0]!.id;
    t.sandbox.organizations.delete(gone);
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "products", records: [{ id: "p_0002", name: "Renamed" }, { id: "p_0003", name: "Reborn" }] });
    const before = t.sandbox.log.length;
    const second = await t.run();
    expect(second).toMatchObject({ status: "succeeded", updated: 1, created: 1 });
    expect(t.calls(before, "PUT", /^\/organizations\//).map((l) => l.status).sort()).toEqual([200, 404]);
    expect(t.organization("p_0002")).toMatchObject([{ name: "Renamed (p_0002)" }]);
    expect(t.organization("p_0003")).toMatchObject([{ name: "Reborn (p_0003)" }]);
    expect(await t.attempts(second.id, "p_0003")).toEqual([
      [1, "update", "failed", "not_found", 404],
      [2, "create", "ok", null, null],
    ]);

    const leaving = t.organization("p_0005")[0]!.id;
    await db.delete(products).where(and(eq(products.workspaceId, t.workspaceId), eq(products.id, "p_0005")));
    const mark = t.sandbox.log.length;
    expect(await t.run()).toMatchObject({ status: "succeeded", deleted: 1 });
    expect(t.calls(mark, "DELETE", /^\/organizations\//).map((l) => [l.path, l.status])).toEqual([[`/organizations/${leaving}`, 204]]);
    expect(t.sandbox.organizations.has(leaving)).toBe(false);
  });
});
