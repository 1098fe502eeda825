/** Saving a sync: a save that changes nothing writes nothing and leaves no trace in the audit log, whichever door it came through. */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/audit";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { requireSync } from "@/lib/db/queries/syncs";
import { auditEvents } from "@/lib/db/schema";
import { connectTestDb, newWorkspace } from "@/test/db";
import { type Destination, postgresDestination } from "@/test/destinations";
import { addSync, changeSync } from "./manage";
import { syncInputOf } from "./save";

const { db } = connectTestDb();
const actor: Actor = { type: "user", id: "u1", label: "editor@example.com" };
let dest: Destination;
let workspaceId: string;
let syncId: string;

const auditTrail = async () =>
  (await db.query.auditEvents.findMany({ where: and(eq(auditEvents.workspaceId, workspaceId), eq(auditEvents.targetType, "sync")), orderBy: auditEvents.id })).map((e) => e.action);

beforeAll(async () => {
  dest = await postgresDestination();
  await dest.query("CREATE TABLE customers (customer_id text PRIMARY KEY, email text, country text)");
  workspaceId = await newWorkspace(db, { seed: { contacts: 5, products: 1, orders: 1, orderItems: 1 } });
  const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
  const connectionId = (await createConnection(db, { workspaceId, connector: "postgres", name: "Warehouse", settings: dest.settings, secrets: dest.secrets })).id;
  const input = { name: "Customers", datasetId: dataset.id, connectionId, object: "customers", mapping: [{ from: { field: "email" }, to: "email" }], matchKey: { from: "id", to: "customer_id" } };
  syncId = (await addSync(db, { workspaceId, actor, input })).id;
});
afterAll(async () => dest?.close());

describe("saving a sync", () => {
  it("changes nothing, records nothing and says so when the configuration is the one stored", async () => {
    const before = await requireSync(db, { workspaceId, syncId });
    const saved = await changeSync(db, { workspaceId, actor, syncId, input: syncInputOf(before) });
    expect(saved.changed).toBe(false);
    expect((await requireSync(db, { workspaceId, syncId })).updatedAt).toEqual(before.updatedAt);
    expect(await auditTrail()).toEqual(["sync.created"]);
  });

  it("takes the same configuration given with its keys in another order as no change", async () => {
    const stored = syncInputOf(await requireSync(db, { workspaceId, syncId }));
    const reordered = Object.fromEntries(Object.entries(stored).reverse());
    const saved = await changeSync(db, { workspaceId, actor, syncId, input: { ...reordered, mapping: [{ to: "email", from: { field: "email" } }] } });
    expect(saved.changed).toBe(false);
    expect(await auditTrail()).toEqual(["sync.created"]);
  });

  it("writes and records a save that changes something", async () => {
    const stored = syncInputOf(await requireSync(db, { workspaceId, syncId }));
    const saved = await changeSync(db, { workspaceId, actor, syncId, input: { ...stored, mapping: [...stored.mapping as object[], { from: { field: "country" }, to: "country" }] } });
    expect(saved.changed).toBe(true);
    expect((await requireSync(db, { workspaceId, syncId })).mapping).toHaveLength(2);
    expect(await auditTrail()).toEqual(["sync.created", "sync.updated"]);
  });
});
