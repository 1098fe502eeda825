/** The Google Ads audience sync tests' world: a sandbox Google per test, a workspace with the demo's contacts and a sync of them to a Customer Match list. */
import { and, asc, eq } from "drizzle-orm";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName, insertDataset } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { contacts, syncRecordLogs } from "@/lib/db/schema";
import type { MappingEntry } from "@/lib/mapping/schema";
import { connectTestDb, newWorkspace } from "@/test/db";
import { syncTestRuntime } from "@/test/sync-runtime";
import { normalizeEmail } from "./normalize";
import { type GoogleSandboxOptions, startGoogleAudiencesSandbox } from "./sandbox";
import { serviceAccountKeyPair, sha256 } from "./testing";

export const LIST = "5550001";
export const COUNTRIES = ["FR", "DE", "GB", "ES", "US", "IT", "NL"];

export const identifiersMapping: MappingEntry[] = [
  { from: { field: "email" }, to: "email", transforms: [] },
  { from: { field: "phone" }, to: "phone", transforms: [] },
  { from: { field: "first_name" }, to: "first_name", transforms: [] },
  { from: { field: "last_name" }, to: "last_name", transforms: [] },
  { from: { field: "country" }, to: "region_code", transforms: [] },
];

/** Call once at the top of a test file: the database, the runtime and the sandboxes are closed after its tests. */
export function googleAudiencesTestbed() {
  const { db } = connectTestDb();
  const runtime = syncTestRuntime(db);
  const account = serviceAccountKeyPair();

  /** A workspace with the demo's contacts, a sandbox Google, and a sync of the contacts in COUNTRIES to its Customer Match list. */
  async function setup(p: { contacts?: number; sandbox?: Partial<GoogleSandboxOptions>; mapping?: MappingEntry[]; defaultConsent?: "GRANTED" | "DENIED"; consent?: { channel: "email" }; postalCodes?: boolean } = {}) {
    const sandbox = runtime.closeAfter(
      await startGoogleAudiencesSandbox({
        serviceAccount: { email: account.email, publicKey: account.publicKey },
        accounts: { "1234567890": { lists: [{ id: LIST, displayName: "Buyers" }, { id: "5550002", displayName: "App users", uploadKeyTypes: ["MOBILE_ID"] }] } },
        ...p.sandbox,
      }),
    );
    const workspaceId = await newWorkspace(db, { seed: { contacts: p.contacts ?? 30, products: 2, orders: 10, orderItems: 20 } });
    const contactsDataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    // The demo has no postal codes: a dataset of the contacts with one read from their traits.
    const dataset = p.postalCodes
      ? await insertDataset(db, { workspaceId, name: "Contacts with postal codes", definition: { ...contactsDataset.definition, traits: [{ key: "postal_code", type: "string" }] } })
      : contactsDataset;
    const settings = { operatingAccountId: "123-456-7890", defaultAdUserData: p.defaultConsent ?? "GRANTED", defaultAdPersonalization: p.defaultConsent ?? "GRANTED", customerMatchTermsAccepted: true, apiBaseUrl: sandbox.url, tokenUrl: sandbox.tokenUrl };
    const connection = await createConnection(db, { workspaceId, connector: "google-audiences", name: "Google Ads", settings, secrets: { serviceAccountKey: account.json } });
    const sync = await createSync(db, {
      workspaceId,
      input: {
        name: "Buyers to Google Ads",
        datasetId: dataset.id,
        connectionId: connection.id,
        object: LIST,
        filter: { type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "is_one_of", value: COUNTRIES }] },
        mapping: p.mapping ?? identifiersMapping,
        matchKey: { from: "id", to: "member_id" },
        onLeave: "delete",
        deletionLimit: null,
        consent: p.consent,
      },
    });
    const run = (mode: "incremental" | "replace" = "incremental") => runtime.run({ workspaceId, syncId: sync.id, mode }, 60_000);
    const setContact = (id: string, values: Partial<typeof contacts.$inferInsert>) => db.update(contacts).set({ ...values, updatedAt: new Date() }).where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, id)));
    const people = () => db.query.contacts.findMany({ where: eq(contacts.workspaceId, workspaceId), orderBy: asc(contacts.id) });
    const emailKey = (email: string) => `email:${sha256((normalizeEmail(email) as { value: string }).value)}`;
    const logOf = (runId: string, key: string) => db.query.syncRecordLogs.findMany({ where: and(eq(syncRecordLogs.runId, runId), eq(syncRecordLogs.recordKey, key)) });
    const since = (from: number) => sandbox.log.slice(from).map((l) => `${l.method} ${l.path} ${l.status}`);
    return { sandbox, workspaceId, connection, sync, run, setContact, people, emailKey, logOf, since, members: () => sandbox.members(LIST) };
  }

  return { db, runtime, account, setup };
}
