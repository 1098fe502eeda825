import "server-only";
import { and, asc, eq, gt } from "drizzle-orm";
import { z } from "zod";
import { requestSyncRun } from "@/inngest/requests";
import { syncs } from "@/lib/db/schema";
import { createSync, deleteSync, getSync, syncInputOf, updateSync } from "@/lib/db/queries/syncs";
import { audit } from "@/lib/audit";
import { NotFoundError } from "@/lib/errors";
import { runModes, syncInputSchema } from "@/lib/sync/config";
import { defineRoute, idParams, pageQuery } from "../route";

type SyncRow = typeof syncs.$inferSelect;

export const publicSync = (s: SyncRow) => ({ id: s.id, ...syncInputOf(s), createdAt: s.createdAt, updatedAt: s.updatedAt });

const syncOut = syncInputSchema.extend({ id: z.uuid(), createdAt: z.string(), updatedAt: z.string() });

async function findSync(db: Parameters<typeof getSync>[0], p: { workspaceId: string; syncId: string }) {
  const sync = await getSync(db, p);
  if (!sync) throw new NotFoundError("Sync");
  return sync;
}

export const createSyncRoute = defineRoute({
  method: "POST",
  path: "/syncs",
  tag: "Syncs",
  summary: "Create a sync; it is checked against its dataset and the destination's live fields",
  body: syncInputSchema,
  success: 201,
  response: syncOut,
  handle: async ({ db, workspaceId, actor, body }) => {
    const created = await createSync(db, { workspaceId, input: body });
    await audit(db, { workspaceId, actor, action: "sync.created", target: { type: "sync", id: created.id, name: created.name } });
    return { data: publicSync(created) };
  },
});

export const listSyncsRoute = defineRoute({
  method: "GET",
  path: "/syncs",
  tag: "Syncs",
  summary: "List syncs",
  query: pageQuery,
  response: z.array(syncOut),
  handle: async ({ db, workspaceId, query }) => {
    const rows = await db.query.syncs.findMany({
      where: and(eq(syncs.workspaceId, workspaceId), query.cursor ? gt(syncs.id, query.cursor) : undefined),
      orderBy: asc(syncs.id),
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return { data: page.map(publicSync), nextCursor: rows.length > query.limit ? page.at(-1)!.id : null };
  },
});

export const getSyncRoute = defineRoute({
  method: "GET",
  path: "/syncs/{id}",
  tag: "Syncs",
  summary: "A sync",
  params: idParams,
  response: syncOut,
  handle: async ({ db, workspaceId, params }) => ({ data: publicSync(await findSync(db, { workspaceId, syncId: params.id })) }),
});

export const updateSyncRoute = defineRoute({
  method: "PATCH",
  path: "/syncs/{id}",
  tag: "Syncs",
  summary: "Change a sync: the fields given replace the stored ones, and the result is checked again",
  params: idParams,
  body: syncInputSchema.partial(),
  response: syncOut,
  handle: async ({ db, workspaceId, actor, params, body }) => {
    const current = publicSync(await findSync(db, { workspaceId, syncId: params.id }));
    const merged = Object.fromEntries(Object.entries({ ...current, ...body }).filter(([k]) => k in syncInputSchema.shape));
    const updated = await updateSync(db, { workspaceId, syncId: params.id, input: merged });
    await audit(db, { workspaceId, actor, action: "sync.updated", target: { type: "sync", id: updated.id, name: updated.name }, details: { fields: Object.keys(body) } });
    return { data: publicSync(updated) };
  },
});

export const deleteSyncRoute = defineRoute({
  method: "DELETE",
  path: "/syncs/{id}",
  tag: "Syncs",
  summary: "Delete a sync with its runs and diff state (the destination's records stay)",
  params: idParams,
  response: z.object({ id: z.uuid(), deleted: z.boolean() }),
  handle: async ({ db, workspaceId, actor, params }) => {
    const { name } = await findSync(db, { workspaceId, syncId: params.id });
    await deleteSync(db, { workspaceId, syncId: params.id });
    await audit(db, { workspaceId, actor, action: "sync.deleted", target: { type: "sync", id: params.id, name } });
    return { data: { id: params.id, deleted: true } };
  },
});

export const startRunRoute = defineRoute({
  method: "POST",
  path: "/syncs/{id}/runs",
  tag: "Runs",
  summary: "Start a run now (mode defaults to the sync's own); answers 202 with the queued run",
  params: idParams,
  body: z.strictObject({ mode: z.enum(runModes).optional() }),
  success: 202,
  response: z.object({ id: z.uuid(), status: z.string() }),
  handle: async ({ db, workspaceId, actor, params, body }) => {
    const sync = await findSync(db, { workspaceId, syncId: params.id });
    const run = await requestSyncRun(db, { workspaceId, syncId: sync.id, trigger: "api", mode: body.mode ?? sync.mode });
    await audit(db, { workspaceId, actor, action: "sync.run_started", target: { type: "sync", id: sync.id, name: sync.name }, details: { runId: run.id, mode: run.mode } });
    return { data: { id: run.id, status: run.status } };
  },
});
