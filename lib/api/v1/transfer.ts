import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { connections, datasets, syncs } from "@/lib/db/schema";
import { checkSync, syncInputOf, syncValues } from "@/lib/db/queries/syncs";
import { defaultAlertRules } from "@/lib/notify/rules";
import { ValidationError } from "@/lib/errors";
import { syncInputSchema } from "@/lib/sync/config";
import { defineRoute } from "../route";

const exportedSync = syncInputSchema.omit({ datasetId: true, connectionId: true }).extend({
  dataset: z.string().min(1),
  connection: z.strictObject({ name: z.string().min(1), connector: z.string().min(1) }),
});

/** Every sync of a workspace, naming its dataset and connection (never secrets): config as code. */
export const syncsDocument = z.strictObject({ version: z.literal(1), exportedAt: z.string().optional(), syncs: z.array(exportedSync).max(1_000) });

export const exportSyncsRoute = defineRoute({
  method: "GET",
  path: "/syncs/export",
  tag: "Syncs",
  summary: "Every sync of the workspace as one JSON document (datasets and connections by name, no secrets), for /syncs/import",
  response: syncsDocument,
  handle: async ({ db, workspaceId }) => {
    const [all, sets, conns] = await Promise.all([
      db.query.syncs.findMany({ where: eq(syncs.workspaceId, workspaceId), orderBy: syncs.name }),
      db.query.datasets.findMany({ where: eq(datasets.workspaceId, workspaceId) }),
      db.query.connections.findMany({ where: eq(connections.workspaceId, workspaceId) }),
    ]);
    return {
      data: {
        version: 1,
        exportedAt: new Date().toISOString(),
        syncs: all.map((s) => {
          const c = conns.find((x) => x.id === s.connectionId)!;
          // Dataset and connection by name; alerts name this workspace's notification channels, so they stay behind.
          const dataset = sets.find((d) => d.id === s.datasetId)!.name;
          return { ...syncInputOf(s), datasetId: undefined, connectionId: undefined, alerts: undefined, dataset, connection: { name: c.name, connector: c.connector } };
        }),
      },
    };
  },
});

export const importSyncsRoute = defineRoute({
  method: "POST",
  path: "/syncs/import",
  tag: "Syncs",
  summary: "Create or update (by name) the syncs of an exported document; all or nothing, every problem reported by path",
  body: syncsDocument,
  response: z.object({ created: z.number(), updated: z.number() }),
  handle: async ({ db, workspaceId, body }) => {
    const [existing, sets, conns] = await Promise.all([
      db.query.syncs.findMany({ where: eq(syncs.workspaceId, workspaceId) }),
      db.query.datasets.findMany({ where: eq(datasets.workspaceId, workspaceId) }),
      db.query.connections.findMany({ where: eq(connections.workspaceId, workspaceId) }),
    ]);
    const problems: Record<string, string[]> = {};
    const planned: { id?: string; config: Awaited<ReturnType<typeof checkSync>> }[] = [];
    for (const [i, s] of body.syncs.entries()) {
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
        planned.push({ id: same[0]?.id, config: await checkSync(db, { workspaceId, input: JSON.parse(JSON.stringify(input)) }) });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        for (const [path, messages] of Object.entries(error.fields)) problems[`${at}.${path}`] = messages;
      }
    }
    if (Object.keys(problems).length) throw new ValidationError(problems, "The document does not fit this workspace");
    await db.transaction(async (tx) => {
      for (const { id, config } of planned) {
        const values = { ...syncValues(config), updatedAt: new Date() };
        if (id) await tx.update(syncs).set(values).where(eq(syncs.id, id));
        else await tx.insert(syncs).values({ workspaceId, ...values, alerts: config.alerts ?? defaultAlertRules() });
      }
    });
    return { data: { created: planned.filter((p) => !p.id).length, updated: planned.filter((p) => p.id).length } };
  },
});
