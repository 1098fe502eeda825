/**
 * The contract suite's people and sync (connectors/contract*.test.ts): a workspace whose Contacts dataset holds
 * ten people in France with mixed-case emails, synced into a fixture's object through the engine.
 */
import { eq } from "drizzle-orm";
import { createConnection } from "@/lib/connections/save";
import type { Db } from "@/lib/db/client";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { syncRecords } from "@/lib/db/schema";
import { upsertRecords } from "@/lib/entities/upsert";
import type { RateBudget } from "@/lib/sync/rate-budget";
import type { FilterGroup } from "@/lib/segment/schema";
import { createSync } from "@/lib/syncs/save";
import type { RunMode } from "@/lib/vocabulary";
import type { ContractFixture, ContractSandbox, HeldContact } from "./connector-contract";
import { newWorkspace } from "./db";
import type { syncTestRuntime } from "./sync-runtime";

const inFrance: FilterGroup = { type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "equals", value: "FR" }] };
export const COUNT = 10;
const ids = Array.from({ length: COUNT }, (_, i) => `c_${String(i + 1).padStart(5, "0")}`);
/** Emails as people type them, in mixed case. */
export const written = (i: number) => `Person.${i + 1}@Example.COM`;
export const byEmail = (a: HeldContact, b: HeldContact) => a.email.localeCompare(b.email);
export const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
/** What the destination holds, in a stable order. */
export const held = async (sandbox: ContractSandbox) => (await sandbox.held()).sort(byEmail);
/** A budget no run of ten people comes near. */
const UNLIMITED: RateBudget = { windowSeconds: 1, maxRequests: 10_000 };

/** A workspace whose Contacts dataset holds the contract's people, all in France, and a sync of them into the fixture's object. */
export function contractSyncs(db: Db, runtime: ReturnType<typeof syncTestRuntime>) {
  return async (fixture: ContractFixture, sandbox: ContractSandbox, name: string, rateLimit: RateBudget = UNLIMITED) => {
    const workspaceId = await newWorkspace(db, { seed: { contacts: COUNT, products: 2, orders: 5, orderItems: 10 } });
    await upsertRecords(db, { workspaceId, entity: "contacts", records: ids.map((id, i) => ({ id, email: written(i), first_name: `First ${i}`, country: "FR" })) });
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    const connection = await createConnection(db, { workspaceId, connector: fixture.connector, name, settings: sandbox.settings, secrets: sandbox.secrets, rateLimit });
    const sync = await createSync(db, {
      workspaceId,
      input: { name: `Contacts to ${name}`, datasetId: dataset.id, connectionId: connection.id, object: fixture.object, filter: inFrance, mapping: fixture.mapping, matchKey: { from: "email", to: fixture.keyField ?? "email" }, onLeave: "delete", deletionLimit: null },
    });
    // A file holds the whole segment each run: every run of the contract writes it whole.
    const defaultMode: RunMode = fixture.capabilities.writes === "whole_file" ? "replace" : "incremental";
    return {
      workspaceId,
      run: (mode: RunMode = defaultMode) => runtime.run({ workspaceId, syncId: sync.id, mode }, 60_000),
      stateKeys: async () => (await db.query.syncRecords.findMany({ where: eq(syncRecords.syncId, sync.id) })).map((r) => r.recordKey).sort(),
      change: (indexes: number[], values: Record<string, unknown>) => upsertRecords(db, { workspaceId, entity: "contacts", records: indexes.map((i) => ({ id: ids[i]!, ...values })) }),
    };
  };
}
