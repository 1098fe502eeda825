/** HTTP API syncs for tests (server code: apart from http-api.ts, which Playwright specs import). */
import type { HttpApiSandbox } from "@/connectors/http-api/sandbox";
import type { Db } from "@/lib/db/client";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import type { MappingEntry } from "@/lib/mapping/schema";
import { newWorkspace } from "./db";
import { httpApiSettings } from "./http-api";

/** The mapping the HTTP API tests send: the email (trimmed, lower-cased) and the first name. */
export const contactMapping: MappingEntry[] = [
  { from: { field: "email" }, to: "email", transforms: [{ type: "trim" }, { type: "lowercase" }] },
  { from: { field: "first_name" }, to: "first_name", transforms: [] },
];

/** A workspace with demo contacts, a connection to the sandbox and a sync of the contacts to it, keyed on contact_id, deleting who leaves. */
export async function syncContactsToSandbox(db: Db, p: { sandbox: HttpApiSandbox; contacts: number; settings?: Record<string, unknown>; token?: string; mapping?: MappingEntry[] }) {
  const workspaceId = await newWorkspace(db, { seed: { contacts: p.contacts, products: 2, orders: 10, orderItems: 20 } });
  const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
  const settings = httpApiSettings(p.sandbox, p.settings);
  const connection = await createConnection(db, { workspaceId, connector: "http-api", name: "CRM", settings, secrets: { token: p.token ?? p.sandbox.token } });
  const input = { name: "Contacts to the CRM", datasetId: dataset.id, connectionId: connection.id, object: "contacts", mapping: p.mapping ?? contactMapping, matchKey: { from: "id", to: "contact_id" }, onLeave: "delete", deletionLimit: null };
  const sync = await createSync(db, { workspaceId, input });
  return { workspaceId, sync };
}
