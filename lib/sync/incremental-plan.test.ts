/**
 * Incremental plans read only what changed since the last delivered plan: each change that can alter a
 * record (its row, a looked-up parent, an aggregated child, a consent, a deletion, the segment) reaches the
 * plan, which must equal what a full plan of the same moment would do; a settings change plans in full; a
 * writer whose transaction commits after a plan's snapshot is picked up by the next run.
 */
import { and, eq, sql } from "drizzle-orm";
import pg from "pg";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName, insertDataset } from "@/lib/db/queries/datasets";
import { datasetDefinitionSchema } from "@/lib/datasets/definition";
import { deleteEntityRecords } from "@/lib/db/queries/entities";
import { contacts, orders, syncRuns } from "@/lib/db/schema";
import { upsertRecords } from "@/lib/entities/upsert";
import { createSync, syncInputOf, updateSync } from "@/lib/syncs/save";
import { connectTestDb, newWorkspace } from "@/test/db";
import { type Destination, postgresDestination } from "@/test/destinations";
import { syncTestRuntime } from "@/test/sync-runtime";
import { loadRunContext } from "./context";
import { planRun } from "./plan";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);
let dest: Destination;
let workspaceId: string;

class RolledBack extends Error {}

type Item = { record_key: string; operation: string; hash: string | null; status: string; message: string | null };

/** What a run planned now would do, in a transaction rolled back: incremental when it can, or forced to plan in full. */
async function planNow(syncId: string, full: boolean) {
  let outcome: { items: Item[]; counts: Record<string, number>; fullPlan: boolean } | undefined;
  await db
    .transaction(async (tx) => {
      // Without a trusted watermark, a plan reads everything.
      if (full) await tx.execute(sql`UPDATE sync_runs SET watermark = NULL WHERE sync_id = ${syncId}`);
      const [run] = await tx.insert(syncRuns).values({ workspaceId, syncId, trigger: "manual", mode: "incremental" }).returning();
      // Batches are numbered over the items planned: not compared.
      const { planned, unchanged, heldBack } = await planRun(tx, await loadRunContext(tx, run!.id), 100);
      const items = await tx.execute<Item>(sql`SELECT record_key, operation, hash, status, message FROM sync_run_items WHERE run_id = ${run!.id} ORDER BY record_key`);
      const [after] = await tx.select().from(syncRuns).where(eq(syncRuns.id, run!.id));
      outcome = { items: items.rows, counts: { planned, unchanged, heldBack }, fullPlan: after!.fullPlan };
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  return outcome!;
}

/** The incremental plan, checked to be one and to equal a full plan of the same moment (items and counts). */
async function expectFullPlanEquivalent(syncId: string) {
  const incremental = await planNow(syncId, false);
  const full = await planNow(syncId, true);
  expect(incremental.fullPlan).toBe(false);
  expect(full.fullPlan).toBe(true);
  expect(incremental.items).toEqual(full.items);
  expect(incremental.counts).toEqual(full.counts);
  return incremental.items.map((i) => `${i.operation} ${i.record_key}`);
}

const run = async (syncId: string) => {
  const ended = await runtime.run({ workspaceId, syncId });
  expect(ended.status).toBe("succeeded");
  return ended;
};

const contactWith = (id: string) => db.query.contacts.findFirst({ where: and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, id)) });
const ordersOf = (contactId: string) => db.query.orders.findMany({ where: and(eq(orders.workspaceId, workspaceId), eq(orders.contactId, contactId)) });

let contactsSync: string;
let ordersSync: string;

beforeAll(async () => {
  dest = runtime.closeAfter(await postgresDestination());
  await dest.query("CREATE TABLE people (contact_id text PRIMARY KEY, email text, orders_count int, total_spent float8)");
  await dest.query("CREATE TABLE purchases (order_id text PRIMARY KEY, contact_email text, total float8)");
  workspaceId = await newWorkspace(db, { seed: { contacts: 60, products: 5, orders: 120, orderItems: 200 } });
  const connection = await createConnection(db, { workspaceId, connector: "postgres", name: "Warehouse", settings: dest.settings, secrets: dest.secrets });
  const contactsDataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
  const ordersDataset = (await getDatasetByName(db, { workspaceId, name: "Orders" }))!;
  const common = { connectionId: connection.id, mode: "incremental", deletionLimit: null };
  contactsSync = (
    await createSync(db, {
      workspaceId,
      input: {
        ...common,
        name: "Buyers who agreed",
        datasetId: contactsDataset.id,
        object: "people",
        mapping: [
          { from: { field: "email" }, to: "email" },
          { from: { field: "orders_count" }, to: "orders_count" },
          { from: { field: "total_spent" }, to: "total_spent" },
        ],
        matchKey: { from: "id", to: "contact_id" },
        filter: { type: "group", combinator: "and", children: [{ type: "condition", column: "orders_count", operator: "gte", value: 1 }] },
        consent: { channel: "email" },
        onLeave: "delete",
      },
    })
  ).id;
  ordersSync = (
    await createSync(db, {
      workspaceId,
      input: {
        ...common,
        name: "Purchases",
        datasetId: ordersDataset.id,
        object: "purchases",
        mapping: [
          { from: { field: "contact_email" }, to: "contact_email" },
          { from: { field: "total" }, to: "total" },
        ],
        matchKey: { from: "id", to: "order_id" },
        onLeave: "delete",
      },
    })
  ).id;
});

describe("an incremental plan", () => {
  it("plans in full first, then reads only what changed: base rows, aggregated children, consents, deletions, the segment", async () => {
    const first = await run(contactsSync);
    expect((await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, first.id) }))!.fullPlan).toBe(true);
    expect(await expectFullPlanEquivalent(contactsSync)).toEqual([]);

    const sent = await dest.query<{ contact_id: string }>("SELECT contact_id FROM people ORDER BY contact_id");
    const [a, b] = sent.map((r) => r.contact_id);
    // A base row changes.
    await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: a!, email: "changed@example.com" }] });
    expect(await expectFullPlanEquivalent(contactsSync)).toEqual([`update ${a}`]);
    const second = await run(contactsSync);
    expect(second).toMatchObject({ updated: 1, created: 0, deleted: 0, unchanged: first.created - 1 });
    expect((await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, second.id) }))!.fullPlan).toBe(false);

    // An aggregated child: a new order of b changes its orders_count.
    await upsertRecords(db, { workspaceId, entity: "orders", records: [{ id: "o-new", contact_id: b!, total: 12.5, status: "paid" }] });
    expect(await expectFullPlanEquivalent(contactsSync)).toEqual([`update ${b}`]);
    await run(contactsSync);

    // A consent withdrawn removes the contact.
    await upsertRecords(db, { workspaceId, entity: "consents", records: [{ id: "c-withdrawn", contact_id: a!, channel: "email", status: "withdrawn" }] });
    expect(await expectFullPlanEquivalent(contactsSync)).toEqual([`delete ${a}`]);
    await run(contactsSync);

    // A contact leaves the segment when its orders go (their tombstones name it), another joins with its first order.
    const [c] = sent.map((r) => r.contact_id).filter((id) => id !== a && id !== b);
    await deleteEntityRecords(db, { workspaceId, entity: "orders", ids: (await ordersOf(c!)).map((o) => o.id) });
    const buyers = new Set((await db.query.orders.findMany({ where: eq(orders.workspaceId, workspaceId) })).map((o) => o.contactId));
    const outside = (await db.query.contacts.findMany({ where: eq(contacts.workspaceId, workspaceId) })).map((p) => p.id).find((id) => !buyers.has(id) && id !== c)!;
    await upsertRecords(db, { workspaceId, entity: "consents", records: [{ id: "c-granted", contact_id: outside, channel: "email", status: "granted" }] });
    await upsertRecords(db, { workspaceId, entity: "orders", records: [{ id: "o-first", contact_id: outside, total: 3, status: "paid" }] });
    expect(await expectFullPlanEquivalent(contactsSync)).toEqual([`delete ${c}`, `create ${outside}`].sort((x, y) => x.split(" ")[1]!.localeCompare(y.split(" ")[1]!)));
    await run(contactsSync);

    // An order moved from one contact to another changes both (the old owner through the move's tombstone).
    await upsertRecords(db, { workspaceId, entity: "orders", records: [{ id: "o-new", contact_id: outside }] });
    expect(await expectFullPlanEquivalent(contactsSync)).toEqual([`update ${b}`, `update ${outside}`].sort((x, y) => x.split(" ")[1]!.localeCompare(y.split(" ")[1]!)));
    await run(contactsSync);

    // A base row deleted is removed (on leave: delete).
    await deleteEntityRecords(db, { workspaceId, entity: "contacts", ids: [b!] });
    expect(await expectFullPlanEquivalent(contactsSync)).toEqual([`delete ${b}`]);
    await run(contactsSync);
    const now = await dest.query<{ contact_id: string }>("SELECT contact_id FROM people WHERE contact_id = ANY($1)", [[a, b, c, outside]]);
    expect(now.map((r) => r.contact_id)).toEqual([outside]);
  });

  it("sees a change of a looked-up parent in the rows that look it up", async () => {
    await run(ordersSync);
    const owner = (await db.query.orders.findFirst({ where: and(eq(orders.workspaceId, workspaceId), sql`${orders.contactId} IS NOT NULL`) }))!.contactId!;
    if (!(await contactWith(owner))) throw new Error("the seed's order has no contact");
    await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: owner, email: "moved@example.com" }] });
    const expected = (await ordersOf(owner)).map((o) => `update ${o.id}`).sort();
    expect(await expectFullPlanEquivalent(ordersSync)).toEqual(expected);
    const ended = await run(ordersSync);
    expect(ended.updated).toBe(expected.length);
  });

  it("sees a consent change when the dataset itself reads no consent (the sync's consent rule does)", async () => {
    await dest.query("CREATE TABLE emails (contact_id text PRIMARY KEY, email text)");
    const plain = await insertDataset(db, { workspaceId, name: "Plain contacts", definition: datasetDefinitionSchema.parse({ baseEntity: "contacts", fields: ["id", "email"] }) });
    const connectionId = (await db.query.syncs.findFirst({ where: (s, { eq: is }) => is(s.id, contactsSync) }))!.connectionId;
    const input = { name: "Emails", datasetId: plain.id, connectionId, object: "emails", mapping: [{ from: { field: "email" }, to: "email" }], matchKey: { from: "id", to: "contact_id" }, consent: { channel: "sms" }, onLeave: "nothing", deletionLimit: null };
    const emails = (await createSync(db, { workspaceId, input })).id;
    await run(emails);
    const person = (await db.query.contacts.findFirst({ where: eq(contacts.workspaceId, workspaceId) }))!.id;
    await upsertRecords(db, { workspaceId, entity: "consents", records: [{ id: "sms-now", contact_id: person, channel: "sms", status: "granted" }] });
    const planned = await expectFullPlanEquivalent(emails);
    expect(planned.some((p) => p.endsWith(` ${person}`))).toBe(true);
  });

  it("picks up, on the next run, a write whose transaction began before a plan and committed after it", async () => {
    await run(ordersSync);
    const order = (await db.query.orders.findFirst({ where: eq(orders.workspaceId, workspaceId) }))!;
    const writer = new pg.Client({ connectionString: inject("databaseUrl") });
    await writer.connect();
    try {
      await writer.query("BEGIN");
      await writer.query("UPDATE orders SET total = 999.5 WHERE workspace_id = $1 AND id = $2", [workspaceId, order.id]);
      // The run's plan does not see the uncommitted write.
      expect(await run(ordersSync)).toMatchObject({ planned: 0 });
      await writer.query("COMMIT");
    } finally {
      await writer.end();
    }
    expect(await run(ordersSync)).toMatchObject({ planned: 1, updated: 1 });
    expect(await dest.query("SELECT total FROM purchases WHERE order_id = $1", [order.id])).toEqual([{ total: 999.5 }]);
  });

  it("after random changes of every kind, plans exactly what a full plan would", async () => {
    let seed = 20;
    const random = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % n);
    const pick = <T,>(list: T[]) => list[random(list.length)]!;
    for (let round = 0; round < 4; round++) {
      const people = (await db.query.contacts.findMany({ where: eq(contacts.workspaceId, workspaceId) })).map((c) => c.id);
      const bought = (await db.query.orders.findMany({ where: eq(orders.workspaceId, workspaceId) })).map((o) => o.id);
      for (let i = 0; i < 6; i++) {
        const n = random(7);
        if (n === 0) await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: pick(people), email: `r${round}-${i}@example.com` }] });
        if (n === 1) await upsertRecords(db, { workspaceId, entity: "orders", records: [{ id: pick(bought), total: random(500) }] });
        if (n === 2) await upsertRecords(db, { workspaceId, entity: "orders", records: [{ id: pick(bought), contact_id: pick(people) }] });
        if (n === 3) await upsertRecords(db, { workspaceId, entity: "orders", records: [{ id: `r${round}-${i}`, contact_id: pick(people), total: 5 }] });
        if (n === 4) await upsertRecords(db, { workspaceId, entity: "consents", records: [{ id: `rc${round}-${i}`, contact_id: pick(people), channel: "email", status: pick(["granted", "withdrawn"]) }] });
        if (n === 5) await deleteEntityRecords(db, { workspaceId, entity: "orders", ids: [pick(bought)] });
        if (n === 6) await deleteEntityRecords(db, { workspaceId, entity: "contacts", ids: [pick(people)] });
      }
      await expectFullPlanEquivalent(contactsSync);
      await expectFullPlanEquivalent(ordersSync);
      await run(contactsSync);
      await run(ordersSync);
    }
  });
  it("plans in full when the mapping changed, after a full resend, or when the segment is relative to today", async () => {
    const current = (await db.query.syncs.findFirst({ where: (s, { eq: is }) => is(s.id, ordersSync) }))!;
    const input = syncInputOf(current) as { mapping: unknown[] };
    await updateSync(db, { workspaceId, syncId: ordersSync, input: { ...input, mapping: input.mapping.slice(0, 1) } });
    expect((await planNow(ordersSync, false)).fullPlan).toBe(true);
    const resent = await run(ordersSync);
    expect(resent.updated).toBe(resent.planned);
    expect((await planNow(ordersSync, false)).fullPlan).toBe(false);
    // A full resend keeps records that left the segment: the incremental run after it plans in full.
    await runtime.run({ workspaceId, syncId: ordersSync, mode: "full" });
    expect((await planNow(ordersSync, false)).fullPlan).toBe(true);
    await run(ordersSync);

    const recent = { type: "group", combinator: "and", children: [{ type: "condition", column: "created_at", operator: "in_last_days", value: 36_500 }] };
    await updateSync(db, { workspaceId, syncId: ordersSync, input: { ...input, mapping: input.mapping.slice(0, 1), filter: recent } });
    await run(ordersSync);
    expect((await planNow(ordersSync, false)).fullPlan).toBe(true);
  });
});
