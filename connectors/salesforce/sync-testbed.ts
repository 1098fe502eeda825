/** The Salesforce sync tests' world: a sandbox org per test, a workspace with contacts and a sync to Contact or Lead, run on the local executor. */
import crypto from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { syncRecordLogs, syncRunItems } from "@/lib/db/schema";
import { upsertRecords } from "@/lib/entities/upsert";
import type { MappingEntry } from "@/lib/mapping/schema";
import { connectTestDb, newWorkspace } from "@/test/db";
import { syncTestRuntime } from "@/test/sync-runtime";
import { type SalesforceSandbox, type SalesforceSandboxOptions, sandboxConnection, startSalesforceSandbox } from "./sandbox";

export const rsa = () => crypto.generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });

export const attempts = (logs: { attempt: number; operation: string; status: string; errorKind: string | null; message: string | null }[]) => logs.map((l) => [l.attempt, l.operation, l.status, l.errorKind]);
export const writes = (requests: { method: string; path: string; status: number }[]) => requests.filter((r) => r.path.includes("/composite/")).map((r) => `${r.method} ${r.path.replace(/^\/services\/data\/v62\.0/, "")} ${r.status}`);

/** Call once at the top of a test file: the database, the runtime and the sandboxes are closed after its tests. */
export function salesforceTestbed() {
  const { db } = connectTestDb();
  const runtime = syncTestRuntime(db);
  const keys = rsa();

  async function startSandbox(options: SalesforceSandboxOptions = {}) {
    const sandbox = await startSalesforceSandbox({ publicKey: keys.publicKey, ...options });
    return runtime.closeAfter(sandbox);
  }

  const connectionOf = (sandbox: SalesforceSandbox, auth: "client_credentials" | "jwt_bearer" = "client_credentials") =>
    sandboxConnection(sandbox, auth === "jwt_bearer" ? { privateKey: keys.privateKey } : auth);

  /** A workspace with contacts, a sandbox org and a sync of the contacts to Contact (upserted on Relay_Id__c) or Lead (by Id, unique Relay_Key__c). */
  async function setup(p: { contacts?: number; object?: "Contact" | "Lead"; auth?: "client_credentials" | "jwt_bearer"; sandbox?: SalesforceSandboxOptions; mapping?: MappingEntry[] } = {}) {
    const sandbox = await startSandbox(p.sandbox);
    const workspaceId = await newWorkspace(db, { seed: { contacts: p.contacts ?? 6, products: 2, orders: 4, orderItems: 8 } });
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    const { settings, secrets } = connectionOf(sandbox, p.auth);
    const connection = await createConnection(db, { workspaceId, connector: "salesforce", name: "Salesforce", settings, secrets });
    const lead = p.object === "Lead";
    const sync = await createSync(db, {
      workspaceId,
      input: {
        name: "Contacts to Salesforce",
        datasetId: dataset.id,
        connectionId: connection.id,
        object: lead ? "Lead" : "Contact",
        mapping: [
          { from: { field: "email" }, to: "Email", transforms: [{ type: "trim" }, { type: "lowercase" }] },
          { from: { field: "first_name" }, to: "FirstName" },
          { from: { field: "last_name" }, to: "LastName" },
          lead ? { from: { value: "Relay demo" }, to: "Company" } : { from: { field: "country" }, to: "MailingCountry" },
          ...(p.mapping ?? []),
        ],
        matchKey: { from: "id", to: lead ? "Relay_Key__c" : "Relay_Id__c" },
        onLeave: "delete",
        deletionLimit: null,
      },
    });
    const keyField = lead ? "Relay_Key__c" : "Relay_Id__c";
    const run = async (mode: "incremental" | "replace" = "incremental") => {
      const requests = sandbox.log.length;
      const ended = await runtime.run({ workspaceId, syncId: sync.id, mode }, 60_000);
      return { ...ended, requests: sandbox.log.slice(requests) };
    };
    return {
      sandbox,
      workspaceId,
      run,
      held: () => sandbox.records(lead ? "Lead" : "Contact"),
      byKey: (key: string) => sandbox.records(lead ? "Lead" : "Contact").filter((r) => r[keyField] === key),
      logOf: (runId: string, key: string) =>
        db.query.syncRecordLogs.findMany({ where: and(eq(syncRecordLogs.runId, runId), eq(syncRecordLogs.recordKey, key)), orderBy: asc(syncRecordLogs.attempt) }),
      itemOf: (runId: string, key: string) => db.query.syncRunItems.findFirst({ where: and(eq(syncRunItems.runId, runId), eq(syncRunItems.recordKey, key)) }),
      change: (id: string, firstName: string) => upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id, first_name: firstName }] }),
    };
  }

  return { db, startSandbox, connectionOf, setup };
}
