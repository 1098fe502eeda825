import "server-only";
import { eq } from "drizzle-orm";
import type { DeliveryContext, WriteRecord } from "@/connectors/types";
import type { Db } from "@/lib/db/client";
import { loadConnection } from "@/lib/db/queries/connections";
import { env } from "@/lib/env";
import { datasets, syncRuns, syncs } from "@/lib/db/schema";
import { type Mapping, type MatchKey, mappingSchema, matchKeySchema } from "@/lib/mapping/schema";
import { filterGroupSchema } from "@/lib/segment/schema";
import { runRecords } from "./deliver";
import { createHttpClient } from "./http";
import { acquirePermit } from "./rate-budget";
import { consentRuleSchema } from "./config";
import { scheduleSchema } from "./schedule";

export class RunGoneError extends Error {}

/** Everything a step of a run needs, read fresh (steps may run in another process than the one before). */
export async function loadRun(db: Db, runId: string) {
  const run = await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, runId) });
  if (!run) throw new RunGoneError(`Run ${runId} no longer exists`);
  const sync = await db.query.syncs.findFirst({ where: eq(syncs.id, run.syncId) });
  const dataset = sync && (await db.query.datasets.findFirst({ where: eq(datasets.id, sync.datasetId) }));
  if (!sync || !dataset) throw new RunGoneError(`The sync of run ${runId} no longer exists`);
  const config = {
    mapping: mappingSchema.parse(sync.mapping),
    matchKey: matchKeySchema.parse(sync.matchKey),
    filter: sync.filter ? filterGroupSchema.parse(sync.filter) : undefined,
    schedule: scheduleSchema.parse(sync.schedule),
    consent: consentRuleSchema.nullable().parse(sync.consent ?? null),
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
  });
  return { run, sync, dataset, config, connector, delivery };
}

export type LoadedRun = Awaited<ReturnType<typeof loadRun>>;

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
    /** The records `records()` gives, when they are not the run's plan (a one-record test). */
    records?: WriteRecord[];
  },
) {
  const { row, connector, config: connection } = await loadConnection(db, { workspaceId: p.workspaceId, connectionId: p.connectionId });
  const budget = row.rateWindowSeconds && row.rateMaxRequests ? { windowSeconds: row.rateWindowSeconds, maxRequests: row.rateMaxRequests } : null;
  const delivery: DeliveryContext = {
    connection,
    http: createHttpClient({ permit: budget ? () => acquirePermit(db, row.id, budget) : undefined, delaysMs: env.SYNC_RETRY_DELAYS_MS, timeScale: env.SYNC_TIME_SCALE, outbound: { allowPrivate: env.ALLOW_PRIVATE_NETWORK } }),
    object: p.object,
    mode: p.mode,
    replaceStrategy: (p.replaceStrategy as DeliveryContext["replaceStrategy"]) ?? undefined,
    fields: [p.matchKey.to, ...p.mapping.map((m) => m.to).filter((to) => to !== p.matchKey.to)],
    key: p.matchKey.to,
    runId: p.runId,
    syncId: p.syncId,
    startedAt: p.startedAt,
    consent: p.consent,
    records: p.records ? async function* () { yield p.records!; } : () => runRecords(db, { config: { mapping: p.mapping, matchKey: p.matchKey }, runId: p.runId, syncId: p.syncId }),
  };
  return { connector, delivery };
}
