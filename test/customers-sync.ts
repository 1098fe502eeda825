/** The sync many engine tests start from: a workspace's Contacts into a fresh PostgreSQL table of customers. */
import { afterAll, beforeAll } from "vitest";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import type { SyncInput } from "@/lib/sync/config";
import { createSync } from "@/lib/syncs/save";
import { type connectTestDb, newWorkspace, smallScale } from "./db";
import { postgresDestination } from "./destinations";

/** `customers (customer_id text PRIMARY KEY, email text)`, filled by a sync keyed on the contact's id that maps the email; `sync` changes its input. */
export async function customersSync(db: ReturnType<typeof connectTestDb>["db"], sync: Partial<SyncInput> = {}) {
  const dest = await postgresDestination();
  await dest.query("CREATE TABLE customers (customer_id text PRIMARY KEY, email text)");
  const workspaceId = await newWorkspace(db, { seed: smallScale });
  const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
  const connectionId = (await createConnection(db, { workspaceId, connector: "postgres", name: "Warehouse", settings: dest.settings, secrets: dest.secrets })).id;
  const input = { name: "Customers", datasetId: dataset.id, connectionId, object: "customers", mapping: [{ from: { field: "email" }, to: "email" }], matchKey: { from: "id", to: "customer_id" }, ...sync };
  const syncId = (await createSync(db, { workspaceId, input })).id;
  return { dest, workspaceId, syncId };
}

/** customersSync for a file's tests: made before them, its destination closed after them. */
export function customersSyncForFile(db: ReturnType<typeof connectTestDb>["db"], sync: Partial<SyncInput> = {}) {
  const made = {} as Awaited<ReturnType<typeof customersSync>>;
  beforeAll(async () => {
    Object.assign(made, await customersSync(db, sync));
  });
  afterAll(() => made.dest?.close());
  return made;
}
