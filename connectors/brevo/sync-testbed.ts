/** The Brevo sync tests' world: a sandbox Brevo per test on the tests' clock, and a workspace with a sync of its contacts to lists 2 and 7. */
import { and, eq } from "drizzle-orm";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { contacts } from "@/lib/db/schema";
import type { FilterGroup } from "@/lib/segment/schema";
import { connectTestDb, newWorkspace } from "@/test/db";
import { syncTestRuntime } from "@/test/sync-runtime";
import { type BrevoSandboxOptions, startBrevoSandbox } from "./sandbox";

/** Contacts with a country: the segment the sync sends. */
const WITH_COUNTRY: FilterGroup = { type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "is_not_empty" }] };

/** Call once at the top of a test file: the database, the runtime and the sandboxes are closed after its tests. */
export function brevoTestbed() {
  const { db } = connectTestDb();
  const runtime = syncTestRuntime(db);

  /** Brevo's clock in step with the tests' SYNC_TIME_SCALE (0.01): its second lasts 10 ms, as do our waits for it. */
  const sandboxWith = async (options: BrevoSandboxOptions = {}) => {
    const sandbox = await startBrevoSandbox({ timeScale: 0.01, ...options });
    return runtime.closeAfter(sandbox);
  };

  /** A seeded workspace, a Brevo connection adding contacts to lists 2 and 7, and a sync of its contacts (those with a country) matched on ext_id. */
  async function setup(p: { contacts?: number; sandbox?: BrevoSandboxOptions; settings?: Record<string, unknown> } = {}) {
    const sandbox = await sandboxWith(p.sandbox);
    const workspaceId = await newWorkspace(db, { seed: { contacts: p.contacts ?? 12, products: 4, orders: 10, orderItems: 20 } });
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    // The engine's own budget out of the way: Brevo's limits are what these tests watch.
    const connection = await createConnection(db, {
      workspaceId,
      connector: "brevo",
      name: "Brevo",
      settings: { apiBaseUrl: sandbox.url, listIds: [2, 7], ...p.settings },
      secrets: { apiKey: sandbox.apiKey },
      rateLimit: { windowSeconds: 1, maxRequests: 10_000 },
    });
    const sync = await createSync(db, {
      workspaceId,
      input: {
        name: "Contacts to Brevo",
        datasetId: dataset.id,
        connectionId: connection.id,
        object: "contacts",
        mapping: [
          { from: { field: "email" }, to: "email", transforms: [{ type: "trim" }, { type: "lowercase" }] },
          { from: { field: "first_name" }, to: "FIRSTNAME", transforms: [{ type: "trim" }] },
          { from: { field: "last_name" }, to: "LASTNAME" },
          { from: { field: "country" }, to: "COUNTRY" },
          { from: { field: "birth_date" }, to: "BIRTHDAY" },
        ],
        matchKey: { from: "id", to: "ext_id" },
        filter: WITH_COUNTRY,
        onLeave: "delete",
        deletionLimit: null,
      },
    });
    const run = (mode: "incremental" | "full" | "replace" = "incremental") => runtime.run({ workspaceId, syncId: sync.id, mode }, 60_000);
    const logOf = runtime.attempts;
    const emailOf = async (id: string) => (await db.query.contacts.findFirst({ where: and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, id)) }))!.email!.trim().toLowerCase();
    const extIds = () => [...sandbox.contacts.values()].map((c) => c.attributes.EXT_ID).filter(Boolean).sort();
    const since = (from: number) => sandbox.log.slice(from).map((l) => `${l.method} ${l.path} ${l.status}`);
    return { sandbox, workspaceId, connection, sync, run, logOf, emailOf, extIds, since };
  }

  return { db, runtime, sandboxWith, setup };
}
