import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createConnection, updateConnection } from "@/lib/connections/save";
import { loadConnection } from "@/lib/connections/load";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { contacts, orders, products, syncRecordLogs } from "@/lib/db/schema";
import type { DemoScale } from "@/lib/demo/generate";
import { upsertRecords } from "@/lib/entities/upsert";
import { connectTestDb, newWorkspace } from "@/test/db";
import { syncTestRuntime } from "@/test/sync-runtime";
import type { ConnectionConfig } from "../types";
import type { SplioSecrets, SplioSettings } from "./config";
import { splio } from "./index";
import { type SplioSandbox, type SplioSandboxOptions, startSplioSandbox } from "./sandbox";
import { connectorContext } from "@/lib/http/context";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);

/** A universe keyed on email with two contact custom fields, one product custom field and a "web" store; its clock runs as fast as the engine's waits. */
async function sandbox(options: SplioSandboxOptions = {}) {
  const s = await startSplioSandbox({
    timeScale: 0.01,
    customFields: {
      contacts: [
        { id: 1, name: "country", type: "text" },
        { id: 2, name: "orders_count", type: "int" },
      ],
      products: [{ id: 1, name: "units_sold", type: "int" }],
    },
    stores: ["web"],
    ...options,
  });
  return runtime.closeAfter(s);
}

const contactsSync = {
  dataset: "Contacts",
  object: "contacts",
  matchKey: { from: "email", to: "email" },
  mapping: [
    { from: { field: "first_name" }, to: "firstname" },
    { from: { field: "last_name" }, to: "lastname" },
    { from: { field: "country" }, to: "country" },
    { from: { field: "orders_count" }, to: "orders_count" },
    { from: { field: "created_at" }, to: "creation_date" },
  ],
};
const productsSync = {
  dataset: "Products",
  object: "products",
  matchKey: { from: "id", to: "external_id" },
  mapping: [
    { from: { field: "name" }, to: "name" },
    { from: { field: "brand" }, to: "brand" },
    { from: { field: "price" }, to: "price" },
    { from: { field: "sku" }, to: "sku" },
    { from: { field: "units_sold" }, to: "units_sold" },
  ],
};
const ordersSync = {
  dataset: "Orders",
  object: "orders",
  matchKey: { from: "id", to: "external_id" },
  mapping: [
    { from: { field: "contact_email" }, to: "contact_id" },
    { from: { value: "web" }, to: "store_external_id" },
    { from: { field: "total" }, to: "total_price" },
    { from: { field: "currency" }, to: "currency" },
    { from: { field: "ordered_at" }, to: "ordered_at" },
  ],
};
type SyncShape = typeof contactsSync | typeof productsSync | typeof ordersSync;

/** A seeded workspace, a Splio connection to the sandbox and a sync of one object to it. */
async function setup(s: SplioSandbox, shape: SyncShape, p: { seed?: Partial<DemoScale>; rateLimit?: { windowSeconds: number; maxRequests: number } } = {}) {
  const workspaceId = await newWorkspace(db, { seed: { contacts: 10, products: 6, orders: 10, orderItems: 20, ...p.seed } });
  const dataset = (await getDatasetByName(db, { workspaceId, name: shape.dataset }))!;
  const connection = await createConnection(db, { workspaceId, connector: "splio", name: "Splio", settings: { apiBaseUrl: s.url }, secrets: { apiKey: s.apiKey }, rateLimit: p.rateLimit });
  const sync = await createSync(db, {
    workspaceId,
    input: { name: `${shape.object} to Splio`, datasetId: dataset.id, connectionId: connection.id, object: shape.object, mapping: shape.mapping, matchKey: shape.matchKey, onLeave: "delete", deletionLimit: null },
  });
  const run = (mode: "incremental" | "full" | "replace" = "incremental") => runtime.run({ workspaceId, syncId: sync.id, mode }, 60_000);
  const logOf = runtime.attempts;
  const itemOf = runtime.itemOf;
  const emails = async () => (await db.query.contacts.findMany({ where: eq(contacts.workspaceId, workspaceId), orderBy: asc(contacts.id) })).map((c) => ({ id: c.id, email: c.email! }));
  return { workspaceId, connection, sync, run, logOf, itemOf, emails };
}

const configOf = (s: SplioSandbox, apiKey = s.apiKey): ConnectionConfig<SplioSettings, SplioSecrets> => ({ settings: { apiBaseUrl: s.url }, secrets: { apiKey } });

describe("the Splio connector", () => {
  it("discovers each object's fields from the universe, and Test connection exchanges the key and says what is wrong", async () => {
    const s = await sandbox({ customFields: { contacts: [{ id: 3, name: "loyalty_id", type: "text" }, { id: 4, name: "email", type: "text" }], orders: [{ id: 1, name: "channel", type: "text" }] }, uniqueKey: "c3" });
    const fields = await splio.listFields(connectorContext(configOf(s)), "contacts");
    expect(fields[0]).toMatchObject({ name: "loyalty_id", key: "primary", required: true, nullable: false });
    expect(fields.filter((f) => f.key)).toHaveLength(1);
    expect(fields.map((f) => f.name)).toEqual(["loyalty_id", "email", "cellphone", "firstname", "lastname", "language", "creation_date", "c4"]);
    expect(fields.find((f) => f.name === "creation_date")).toMatchObject({ type: "datetime", required: false });
    const orderFields = await splio.listFields(connectorContext(configOf(s)), "orders");
    expect(orderFields.filter((f) => f.required).map((f) => f.name)).toEqual(["external_id", "contact_id", "store_external_id"]);
    expect(orderFields.find((f) => f.name === "channel")).toMatchObject({ type: "string", description: "Custom field c1" });
    expect(s.requests("GET", "/data/fields/").map((l) => l.path)).toEqual(["/data/fields/contacts", "/data/fields/orders"]);
    await expect(splio.listFields(connectorContext(configOf(s)), "stores")).rejects.toThrow('Splio has no object "stores"');

    expect(await splio.test(connectorContext(configOf(s)))).toEqual({ ok: true, message: "Connected: the API key was exchanged for a token, and the universe identifies contacts by c3" });
    expect(await splio.test(connectorContext(configOf(s, "not-the-key")))).toEqual({
      ok: false,
      message: "Splio refused the API key (400: User authentication failed. (username: authentication.failed)): copy it again from the universe's Users API page",
    });
    const closed = await startSplioSandbox();
    await closed.close();
    expect(await splio.test(connectorContext(configOf(closed)))).toMatchObject({ ok: false, message: expect.stringMatching(/^Could not reach Splio at http:\/\/127\.0\.0\.1:\d+: /) });
  });

  it("creates contacts through the bulk endpoint on the first run, then updates only the changed one", async () => {
    const s = await sandbox();
    const t = await setup(s, contactsSync, { seed: { contacts: 30 } });
    const first = await t.run();
    expect(first).toMatchObject({ status: "succeeded", created: 30 });
    expect(s.contacts.size).toBe(30);
    expect(s.requests("POST", "/data/contacts").map((l) => [l.path, l.status, (l.body as { contacts: unknown[] }).contacts.length])).toEqual([["/data/contacts/bulk", 207, 30]]);
    const [c1] = await t.emails();
    const dbRow = (await db.query.contacts.findFirst({ where: and(eq(contacts.workspaceId, t.workspaceId), eq(contacts.id, c1!.id)) }))!;
    expect(s.contacts.get(c1!.email)).toMatchObject({
      firstname: dbRow.firstName,
      creation_date: dbRow.createdAt.toISOString().slice(0, 19).replace("T", " "),
      custom_fields: [
        { id: 1, name: "country", value: dbRow.country, data_type: "text" },
        { id: 2, name: "orders_count", value: expect.stringMatching(/^\d+$/), data_type: "int" },
      ],
    });
    expect(await t.itemOf(first.id, c1!.id)).toBeUndefined(); // keyed on email, not id
    expect(await t.itemOf(first.id, c1!.email)).toMatchObject({ status: "done", resultOp: "create", destinationId: c1!.email });

    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 0 });
    const c3 = (await t.emails())[2]!;
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [{ id: c3.id, first_name: "Changed" }] });
    const before = s.log.length;
    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 1, updated: 1 });
    const writes = s.log.slice(before).filter((l) => l.path.startsWith("/data/contacts"));
    expect(writes.map((l) => `${l.method} ${l.path} ${l.status}`)).toEqual([`PATCH /data/contacts/${encodeURIComponent(c3.email)} 200`]);
    expect(writes[0]!.body).not.toHaveProperty("email");
    expect(s.contacts.get(c3.email)?.firstname).toBe("Changed");
  });

  it("updates a contact the bulk create reports as already existing, and rejects one Splio refuses, with Splio's words", async () => {
    const s = await sandbox();
    const t = await setup(s, contactsSync);
    const all = await t.emails();
    const existing = all[3]!;
    s.universe.createContact({ email: existing.email, firstname: "Old", lastname: "Old" });
    await db.update(contacts).set({ email: "not-an-email" }).where(and(eq(contacts.workspaceId, t.workspaceId), eq(contacts.id, all[1]!.id)));

    const run = await t.run();
    expect(run).toMatchObject({ status: "partial", created: 9, updated: 0, failed: 1 });
    expect(await t.logOf(run.id, existing.email)).toEqual([
      [1, "create", "failed", "duplicate", 400],
      [2, "update", "ok", null, null],
    ]);
    const [dup] = await db.query.syncRecordLogs.findMany({ where: and(eq(syncRecordLogs.runId, run.id), eq(syncRecordLogs.recordKey, existing.email)), orderBy: asc(syncRecordLogs.attempt) });
    expect(dup!.message).toBe(`400: Contact with unique key ${existing.email} already exists: updating it`);
    expect(JSON.parse(dup!.responseBody!)).toEqual({ contact_id: existing.email, code: 400, description: `Contact with unique key ${existing.email} already exists` });
    expect(await t.itemOf(run.id, existing.email)).toMatchObject({ status: "done", attempts: 2, resultOp: "update", destinationId: existing.email });
    expect(s.contacts.get(existing.email)).toMatchObject({ firstname: expect.not.stringMatching(/^Old$/), lastname: expect.not.stringMatching(/^Old$/) });
    expect(s.contacts.size).toBe(9);

    expect(await t.itemOf(run.id, "not-an-email")).toMatchObject({ status: "failed", errorKind: "rejected", message: "400: Email not-an-email is not valid", responseStatus: 400 });
  });

  it("creates again a contact deleted in Splio, deletes contacts that leave the dataset, and replaces from what Splio lists", async () => {
    const s = await sandbox();
    const t = await setup(s, contactsSync);
    await t.run();
    const [a, b, c] = await t.emails();
    s.contacts.delete(a!.email);
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [{ id: a!.id, first_name: "Back" }] });
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [{ id: b!.id, email: "moved@example.com" }] });
    const second = await t.run();
    expect(second).toMatchObject({ status: "succeeded", created: 2, deleted: 1 });
    expect(await t.logOf(second.id, a!.email)).toEqual([
      [1, "update", "failed", "not_found", 404],
      [2, "create", "ok", null, null],
    ]);
    expect(s.contacts.get(a!.email)?.firstname).toBe("Back");
    expect(s.contacts.has(b!.email)).toBe(false);
    expect(s.requests("DELETE", "/data/contacts/bulk").map((l) => [l.status, l.body])).toEqual([[207, { contacts: [b!.email] }]]);

    // Someone else's contact is never the sync's to delete; one of its own that left the dataset is.
    s.universe.createContact({ email: "stray@example.com" });
    s.contacts.delete(c!.email);
    const [, , , d] = await t.emails();
    await db.delete(contacts).where(and(eq(contacts.workspaceId, t.workspaceId), eq(contacts.id, d!.id)));
    const replaced = await t.run("replace");
    expect(replaced).toMatchObject({ status: "succeeded", created: 1, updated: 8, deleted: 1 });
    expect([...s.contacts.keys()].sort()).toEqual([...(await t.emails()).map((e) => e.email), "stray@example.com"].sort());
    expect(s.requests("GET", "/data/contacts").filter((l) => l.path === "/data/contacts")).toHaveLength(1);
  });

  it("writes products one call each: create, update, update of a product gone → create, removal on leave", async () => {
    const s = await sandbox();
    const t = await setup(s, productsSync);
    expect(await t.run()).toMatchObject({ status: "succeeded", created: 6 });
    expect(s.requests("POST", "/data/v1/products")).toHaveLength(6);
    expect(s.products.get("p_0001")).toMatchObject({ external_id: "p_0001", price: expect.any(Number), custom_fields: [{ id: 1, name: "units_sold", value: expect.stringMatching(/^\d+$/) }] });

    s.products.delete("p_0002");
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "products", records: [{ id: "p_0002", name: "Renamed" }, { id: "p_0003", name: "Also renamed" }] });
    await db.delete(products).where(and(eq(products.workspaceId, t.workspaceId), eq(products.id, "p_0004")));
    const before = s.log.length;
    const second = await t.run();
    expect(second).toMatchObject({ status: "succeeded", created: 1, updated: 1, deleted: 1 });
    expect(
      s.log
        .slice(before)
        .filter((l) => /^\/data\/(v1\/)?products/.test(l.path))
        .map((l) => `${l.method} ${l.path} ${l.status}`)
        .sort(),
    ).toEqual(["DELETE /data/products/p_0004 204", "PATCH /data/v1/products/p_0002 404", "PATCH /data/v1/products/p_0003 200", "POST /data/v1/products 201"]);
    expect(await t.logOf(second.id, "p_0002")).toEqual([
      [1, "update", "failed", "not_found", 404],
      [2, "create", "ok", null, null],
    ]);
    expect([...s.products.keys()].sort()).toEqual(["p_0001", "p_0002", "p_0003", "p_0005", "p_0006"]);
    expect(s.products.get("p_0002")?.name).toBe("Renamed");
  });

  it("creates orders for contacts Splio holds, updates an order that already exists, and rejects one for an unknown contact", async () => {
    const s = await sandbox();
    const t = await setup(s, ordersSync);
    const rows = await db.query.orders.findMany({ where: eq(orders.workspaceId, t.workspaceId), orderBy: asc(orders.id) });
    const emails = new Map((await t.emails()).map((e) => [e.id, e.email]));
    // A buyer Splio does not hold (not the buyer of the first two orders, which the test needs).
    const missing = rows.find((o) => o.contactId !== rows[0]!.contactId && o.contactId !== rows[1]!.contactId)!.contactId!;
    for (const [id, email] of emails) if (id !== missing) s.universe.createContact({ email });
    s.universe.createOrder({ external_id: rows[1]!.id, contact_id: emails.get(rows[1]!.contactId!)!, store_external_id: "web", total_price: 1 });
    const rejected = rows.filter((o) => o.contactId === missing).map((o) => o.id);

    const run = await t.run();
    expect(run).toMatchObject({ status: "partial", failed: rejected.length, updated: 0, created: 10 - rejected.length });
    expect(await t.logOf(run.id, rows[1]!.id)).toEqual([
      [1, "create", "failed", "duplicate", 400],
      [2, "update", "ok", null, null],
    ]);
    expect(s.requests("PATCH", "/data/v3/orders/").map((l) => l.path)).toEqual([`/data/v3/orders/${rows[1]!.id}`]);
    expect(s.orders.get(rows[1]!.id)).toMatchObject({ total_price: Number(rows[1]!.total) });
    expect(await t.itemOf(run.id, rejected[0]!)).toMatchObject({
      status: "failed",
      errorKind: "rejected",
      message: `400: Individual not found for identifier {${emails.get(missing)}} (individual_id: wrong_value)`,
    });
    const created = s.orders.get(rows[0]!.id)!;
    expect(created).toMatchObject({ store_external_id: "web", ordered_at: rows[0]!.orderedAt!.toISOString().slice(0, 19).replace("T", " "), currency: "EUR" });
  });

  it("slows down under Splio's 429s and finishes with every record", async () => {
    const s = await sandbox({ limits: { perSecond: { sales: 3 }, perMinute: { sales: 8 } } });
    const t = await setup(s, productsSync, { seed: { products: 20 }, rateLimit: { windowSeconds: 1, maxRequests: 1_000 } });
    const run = await t.run();
    expect(run).toMatchObject({ status: "succeeded", created: 20, failed: 0 });
    expect(s.products.size).toBe(20);
    const posts = s.requests("POST", "/data/v1/products");
    expect(posts.filter((l) => l.status === 429).length).toBeGreaterThan(0);
    const done = posts.filter((l) => l.status === 201);
    expect(done).toHaveLength(20);
    // 8 per (scaled) minute of 600 ms: 20 creates span at least two minute boundaries.
    expect(done.at(-1)!.at - done[0]!.at).toBeGreaterThanOrEqual(590);
    expect(await db.query.syncRecordLogs.findMany({ where: eq(syncRecordLogs.runId, run.id) })).toEqual([]);
  });

  it("renews an expired token mid-run and goes on", async () => {
    const s = await sandbox();
    const t = await setup(s, productsSync, { seed: { products: 12 } });
    const auths = s.requests("POST", "/authenticate").length;
    s.expireTokensAfter(5);
    const run = await t.run();
    expect(run).toMatchObject({ status: "succeeded", created: 12 });
    expect(s.products.size).toBe(12);
    expect(s.log.filter((l) => l.status === 401).length).toBeGreaterThan(0);
    expect(s.requests("POST", "/authenticate").length - auths).toBe(1);
  });

  it("fails at once, without retrying, when Splio refuses the API key at the token exchange", async () => {
    const s = await sandbox();
    const t = await setup(s, productsSync);
    await updateConnection(db, { workspaceId: t.workspaceId, connectionId: t.connection.id, secrets: { apiKey: "a-revoked-key" } });
    expect((await loadConnection(db, { workspaceId: t.workspaceId, connectionId: t.connection.id })).config.secrets).toEqual({ apiKey: "a-revoked-key" });
    const before = s.log.length;
    const run = await t.run();
    expect(run).toMatchObject({ status: "failed", error: expect.stringMatching(/^Splio refused the API key \(400: User authentication failed\. \(username: authentication\.failed\)\)/) });
    expect(s.log.slice(before).map((l) => `${l.method} ${l.path} ${l.status}`)).toEqual(["POST /authenticate 400"]);
    expect(s.products.size).toBe(0);
  });
});
