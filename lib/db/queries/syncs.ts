import "server-only";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { NotFoundError, parseWith, PublicError, ValidationError } from "@/lib/errors";
import { namedFields, validateMapping } from "@/lib/mapping/validate";
import { alertRulesSchema, defaultAlertRules } from "@/lib/notify/rules";
import { filterSchemaFor } from "@/lib/segment/schema";
import { consentRuleSchema, type SyncConfig, syncInputSchema } from "@/lib/sync/config";
import type { Db } from "../client";
import { notificationChannels, type Sync, syncRecordLogs, syncRecords, syncs } from "../schema";
import { listConnections, loadConnection } from "./connections";
import { getDataset, listDatasets } from "./datasets";
import { listChannels } from "./notifications";

/**
 * Checks a sync against what it names: the dataset's columns, the connector's capabilities and the
 * destination's live fields. Throws a ValidationError listing every problem by path.
 */
export async function checkSync(db: Db, p: { workspaceId: string; input: unknown }): Promise<SyncConfig> {
  const config = parseWith(syncInputSchema, p.input, "The sync does not fit");
  const problems: Record<string, string[]> = {};
  const add = (path: string, message: string) => (problems[path] ??= []).push(message);

  const dataset = await getDataset(db, { workspaceId: p.workspaceId, datasetId: config.datasetId });
  if (!dataset) throw new ValidationError({ datasetId: ["This workspace has no such dataset"] });
  if (config.filter) {
    const parsed = filterSchemaFor(dataset.columns).safeParse(config.filter);
    if (!parsed.success) for (const i of parsed.error.issues) add(["filter", ...i.path].join("."), i.message);
  }
  const { connector, config: connection } = await loadConnection(db, { workspaceId: p.workspaceId, connectionId: config.connectionId }).catch((e) => {
    throw e instanceof NotFoundError ? new ValidationError({ connectionId: ["This workspace has no such connection"] }) : e;
  });
  const manifest = connector.manifest;
  if (!manifest.modes.includes(config.mode)) add("mode", `${manifest.name} does not support ${config.mode} runs`);
  if (config.onLeave === "delete" && !manifest.onLeaveDelete) add("onLeave", `${manifest.name} cannot delete records`);
  if (config.mode === "replace" && manifest.replaceStrategies.length && !config.replaceStrategy) add("replaceStrategy", "Pick how a replace treats the destination");
  if (config.replaceStrategy && !manifest.replaceStrategies.includes(config.replaceStrategy)) add("replaceStrategy", `${manifest.name} has no ${config.replaceStrategy} strategy`);
  const connectionProblem = connector.checkSync?.(connection, config);
  if (connectionProblem) add("mode", connectionProblem);

  let objects;
  try {
    objects = await connector.listObjects(connection);
  } catch (error) {
    throw new PublicError(`Could not reach the destination to check the sync: ${(error as Error).message}`);
  }
  const target = objects.find((o) => o.name === config.object);
  if (!target) add("object", `The destination has no ${manifest.objectNoun} "${config.object}"`);
  else {
    const fields = target.freeFields ? namedFields([config.matchKey.to, ...config.mapping.map((m) => m.to)]) : await connector.listFields(connection, config.object);
    for (const problem of validateMapping({ mapping: config.mapping, matchKey: config.matchKey, columns: dataset.columns, fields })) add(problem.path, problem.message);
    const mapped = [config.matchKey.to, ...config.mapping.map((m) => m.to)];
    const replaceProblem = config.replaceStrategy && connector.replaceProblem?.(fields, mapped, config.replaceStrategy);
    if (replaceProblem) add("replaceStrategy", replaceProblem);
  }
  if (config.consent && dataset.definition.baseEntity !== "contacts") add("consent", "Consent applies to contacts: pick a dataset of contacts to require it");
  if (config.consent && !manifest.onLeaveDelete) add("consent", `${manifest.name} cannot remove records, so a contact who withdraws consent would stay there`);
  const channelIds = config.alerts?.channelIds ?? [];
  if (channelIds.length) {
    const known = await db.query.notificationChannels.findMany({ where: and(eq(notificationChannels.workspaceId, p.workspaceId), inArray(notificationChannels.id, channelIds)), columns: { id: true } });
    channelIds.forEach((id, i) => known.some((k) => k.id === id) || add(`alerts.channelIds.${i}`, "This workspace has no such notification channel"));
  }
  if (Object.keys(problems).length) throw new ValidationError(problems, "The sync does not fit its dataset or destination");
  return config;
}

/** A checked sync as its row's values: what the input leaves out is stored as none (alerts: left out, kept). */
export const syncValues = (config: SyncConfig) => ({ ...config, filter: config.filter ?? null, replaceStrategy: config.replaceStrategy ?? null, consent: config.consent ?? null });

/** A sync as its input, to change some fields and check it again, or to export it. */
export function syncInputOf(s: Sync) {
  return {
    name: s.name,
    datasetId: s.datasetId,
    filter: s.filter,
    connectionId: s.connectionId,
    object: s.object,
    mapping: s.mapping,
    matchKey: s.matchKey,
    mode: s.mode,
    replaceStrategy: s.replaceStrategy,
    onLeave: s.onLeave,
    schedule: s.schedule,
    enabled: s.enabled,
    alerts: alertRulesSchema.parse(s.alerts ?? {}),
    consent: consentRuleSchema.nullable().parse(s.consent ?? null),
  };
}

export async function createSync(db: Db, p: { workspaceId: string; input: unknown }) {
  const config = await checkSync(db, p);
  const [created] = await db
    .insert(syncs)
    .values({ workspaceId: p.workspaceId, ...syncValues(config), alerts: config.alerts ?? defaultAlertRules() })
    .returning();
  return created!;
}

export async function updateSync(db: Db, p: { workspaceId: string; syncId: string; input: unknown }) {
  const config = await checkSync(db, p);
  const [updated] = await db
    .update(syncs)
    .set({ ...syncValues(config), updatedAt: new Date() })
    .where(and(eq(syncs.id, p.syncId), eq(syncs.workspaceId, p.workspaceId)))
    .returning();
  if (!updated) throw new NotFoundError("Sync");
  return updated;
}

export const getSync = (db: Db, p: { workspaceId: string; syncId: string }) =>
  db.query.syncs.findFirst({ where: and(eq(syncs.id, p.syncId), eq(syncs.workspaceId, p.workspaceId)) });

export const listSyncs = (db: Db, p: { workspaceId: string }) => db.query.syncs.findMany({ where: eq(syncs.workspaceId, p.workspaceId), orderBy: asc(syncs.name) });

/** Deletes a sync with its runs, diff state and record logs (the per-record tables have no cascading keys). */
export async function deleteSync(db: Db, p: { workspaceId: string; syncId: string }) {
  await db.transaction(async (tx) => {
    const sync = await getSync(tx, p);
    if (!sync) throw new NotFoundError("Sync");
    await tx.execute(sql`DELETE FROM sync_run_items WHERE run_id IN (SELECT id FROM sync_runs WHERE sync_id = ${sync.id})`);
    await tx.delete(syncRecordLogs).where(eq(syncRecordLogs.syncId, sync.id));
    await tx.delete(syncRecords).where(eq(syncRecords.syncId, sync.id));
    await tx.delete(syncs).where(eq(syncs.id, sync.id));
  });
}

/** What the sync builder picks from: the datasets with their columns, the connections, the notification channels. */
export async function builderOptions(db: Db, p: { workspaceId: string }) {
  const [datasetRows, connectionRows, channelRows] = await Promise.all([listDatasets(db, p), listConnections(db, p), listChannels(db, p)]);
  return {
    datasets: datasetRows.map((d) => ({ id: d.id, name: d.name, columns: d.columns })),
    connections: connectionRows.map((c) => ({ id: c.id, name: c.name, connector: c.connector })),
    channels: channelRows.map((c) => ({ id: c.id, name: c.name, kind: c.kind })),
  };
}
