import "server-only";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import { PublicError } from "@/lib/errors";
import type { DeliveryContext } from "@/connectors/types";
import type { Db } from "@/lib/db/client";
import { loadConnection } from "@/lib/connections/load";
import { datasets, syncRuns, syncs } from "@/lib/db/schema";
import { type Mapping, type MatchKey, mappingSchema, matchKeySchema } from "@/lib/mapping/schema";
import { filterGroupSchema } from "@/lib/segment/schema";
import { runRecords } from "./records";
import { connectorContext } from "@/lib/http/context";
import { consentRuleSchema } from "./config";
import { deletionLimitSchema } from "./deletion-limit";
import { scheduleSchema } from "./schedule";

export class RunGoneError extends Error {}

/** Why a run cannot use its sync's settings: nothing is sent or deleted, and retrying cannot help. */
export const unusableSettings = (what: string, problem: string) =>
  new PublicError(`The ${what} cannot be used: ${problem}. Nothing was sent or deleted: fix the ${what} in the sync's settings.`);

/** A sync's stored setting, parsed; one an older version (or a hand) wrote that no longer fits ends the run, saying what is wrong. */
function stored<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw unusableSettings(what, parsed.error.issues.map((i) => `${i.path.join(".") || what}: ${i.message}`).join("; "));
  return parsed.data;
}

/** Everything a step of a run needs, read fresh (steps may run in another process than the one before). */
export async function loadRunContext(db: Db, runId: string) {
  const run = await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, runId) });
  if (!run) throw new RunGoneError(`Run ${runId} no longer exists`);
  const sync = await db.query.syncs.findFirst({ where: eq(syncs.id, run.syncId) });
  const dataset = sync && (await db.query.datasets.findFirst({ where: eq(datasets.id, sync.datasetId) }));
  if (!sync || !dataset) throw new RunGoneError(`The sync of run ${runId} no longer exists`);
  const config = {
    mapping: stored(mappingSchema, sync.mapping, "mapping"),
    matchKey: stored(matchKeySchema, sync.matchKey, "match key"),
    filter: sync.filter ? stored(filterGroupSchema, sync.filter, "segment") : undefined,
    schedule: stored(scheduleSchema, sync.schedule, "schedule"),
    consent: stored(consentRuleSchema.nullable(), sync.consent ?? null, "consent rule"),
    deletionLimit: stored(deletionLimitSchema.nullable(), sync.deletionLimit, "deletion limit"),
  };
  const { connector, delivery } = await openDelivery(db, {
    workspaceId: sync.workspaceId,
    connectionId: sync.connectionId,
    object: sync.object,
    mode: run.mode,
    replaceStrategy: sync.replaceStrategy,
    mapping: config.mapping,
    matchKey: config.matchKey,
    runId: run.id,
    syncId: sync.id,
    startedAt: run.startedAt ?? run.queuedAt,
    consent: config.consent ?? undefined,
    records: () => runRecords(db, { config, dataset, runId: run.id, syncId: sync.id }),
  });
  return { run, sync, dataset, config, connector, delivery };
}

export type LoadedRun = Awaited<ReturnType<typeof loadRunContext>>;

/** The connector and the context it delivers in: decrypted connection, HTTP client with the rate budget, fields. */
export async function openDelivery(
  db: Db,
  p: {
    workspaceId: string;
    connectionId: string;
    object: string;
    mode: DeliveryContext["mode"];
    replaceStrategy: string | null;
    mapping: Mapping;
    matchKey: MatchKey;
    runId: string;
    syncId: string;
    startedAt: Date;
    consent?: { channel: string };
    /** The records `records()` gives: the run's plan, or one record for a one-record test. */
    records: DeliveryContext["records"];
  },
) {
  const { connector, config: connection, permit } = await loadConnection(db, { workspaceId: p.workspaceId, connectionId: p.connectionId });
  const delivery: DeliveryContext = {
    ...connectorContext(connection, { permit, inRun: true }),
    object: p.object,
    mode: p.mode,
    replaceStrategy: (p.replaceStrategy as DeliveryContext["replaceStrategy"]) ?? undefined,
    fields: [p.matchKey.to, ...p.mapping.map((m) => m.to).filter((to) => to !== p.matchKey.to)],
    key: p.matchKey.to,
    runId: p.runId,
    syncId: p.syncId,
    startedAt: p.startedAt,
    consent: p.consent,
    records: p.records,
  };
  return { connector, delivery };
}
