import "server-only";
import { z } from "zod";
import { type Actor, audit } from "@/lib/audit";
import type { Db } from "@/lib/db/client";
import { listConnections } from "@/lib/db/queries/connections";
import { listDatasets } from "@/lib/db/queries/datasets";
import { insertSync, listSyncs, writeSync } from "@/lib/db/queries/syncs";
import { ValidationError } from "@/lib/errors";
import { defaultAlertRules } from "@/lib/notify/rules";
import { syncInputSchema } from "@/lib/sync/config";
import { text } from "@/lib/validation/text";
import { checkSync } from "./check";
import { syncInputOf, syncValues } from "./save";

const exportedSync = syncInputSchema.omit({ datasetId: true, connectionId: true }).extend({
  dataset: text().min(1),
  connection: z.strictObject({ name: text().min(1), connector: text().min(1) }),
});

/** Every sync of a workspace, naming its dataset and connection (never secrets): config as code. */
export const syncsDocument = z.strictObject({ version: z.literal(1), exportedAt: z.string().optional(), syncs: z.array(exportedSync).max(1_000) });

export type SyncsDocument = z.output<typeof syncsDocument>;

/** The syncs of the workspace by name, with the datasets and connections they may name. */
const workspaceParts = (db: Db, p: { workspaceId: string }) => Promise.all([listSyncs(db, p), listDatasets(db, p), listConnections(db, p)]);

/** Every sync of the workspace as one document, its dataset and connection by name (never secrets). */
export async function exportSyncs(db: Db, { workspaceId }: { workspaceId: string }) {
  const [all, sets, conns] = await workspaceParts(db, { workspaceId });
  return {
    version: 1 as const,
    exportedAt: new Date().toISOString(),
    syncs: all.map((s) => {
      const c = conns.find((x) => x.id === s.connectionId)!;
      // Dataset and connection by name; alerts name this workspace's notification channels, so they stay behind.
      const dataset = sets.find((d) => d.id === s.datasetId)!.name;
      return { ...syncInputOf(s), datasetId: undefined, connectionId: undefined, alerts: undefined, dataset, connection: { name: c.name, connector: c.connector } };
    }),
  };
}

/** Creates or updates (by name) the syncs of a document: all or nothing, every problem reported by path, each write audited. */
export async function importSyncs(db: Db, { workspaceId, actor, document }: { workspaceId: string; actor: Actor; document: SyncsDocument }) {
  const [existing, sets, conns] = await workspaceParts(db, { workspaceId });
  const problems: Record<string, string[]> = {};
  const planned: { id?: string; config: Awaited<ReturnType<typeof checkSync>> }[] = [];
  for (const [i, s] of document.syncs.entries()) {
    const at = `syncs.${i}`;
    const dataset = sets.find((d) => d.name === s.dataset);
    const connection = conns.filter((c) => c.name === s.connection.name && c.connector === s.connection.connector);
    const same = existing.filter((e) => e.name === s.name);
    if (!dataset) problems[`${at}.dataset`] = [`No dataset named "${s.dataset}" in this workspace`];
    if (connection.length !== 1) problems[`${at}.connection`] = [connection.length ? `Several ${s.connection.connector} connections are named "${s.connection.name}"` : `No ${s.connection.connector} connection named "${s.connection.name}" in this workspace`];
    if (same.length > 1) problems[`${at}.name`] = [`Several syncs are named "${s.name}": rename them before importing`];
    if (!dataset || connection.length !== 1 || same.length > 1) continue;
    const input = { ...s, dataset: undefined, connection: undefined, datasetId: dataset.id, connectionId: connection[0]!.id };
    try {
      planned.push({ id: same[0]?.id, config: await checkSync(db, { workspaceId, input: JSON.parse(JSON.stringify(input)), syncId: same[0]?.id }) });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      for (const [path, messages] of Object.entries(error.fields)) problems[`${at}.${path}`] = messages;
    }
  }
  if (Object.keys(problems).length) throw new ValidationError(problems, "The document does not fit this workspace");
  await db.transaction(async (tx) => {
    for (const { id, config } of planned) {
      const saved = id
        ? await writeSync(tx, { workspaceId, syncId: id, values: syncValues(config) })
        : await insertSync(tx, { workspaceId, values: { ...syncValues(config), alerts: config.alerts ?? defaultAlertRules() } });
      await audit(tx, { workspaceId, actor, action: id ? "sync.updated" : "sync.created", target: { type: "sync", id: saved.id, name: saved.name }, details: { imported: true } });
    }
  });
  return { created: planned.filter((p) => !p.id).length, updated: planned.filter((p) => p.id).length };
}
