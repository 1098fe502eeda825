import "server-only";
import { z } from "zod";
import { syncs } from "@/lib/db/schema";
import { requireSync, syncsPage } from "@/lib/db/queries/syncs";
import { addSync, changeSync, removeSync } from "@/lib/syncs/manage";
import { syncInputOf } from "@/lib/syncs/save";
import { type SyncInput, syncInputSchema } from "@/lib/sync/config";
import { startRun } from "@/lib/syncs/runs";
import { runModes } from "@/lib/vocabulary";
import { defineRoute, idParams, pageQuery } from "../route";

type SyncRow = typeof syncs.$inferSelect;

const publicSync = (s: SyncRow) => ({ id: s.id, ...syncInputOf(s), createdAt: s.createdAt, updatedAt: s.updatedAt });

const syncOut = syncInputSchema.extend({ id: z.uuid(), createdAt: z.string(), updatedAt: z.string() });

/** A change: every field optional and without its default, so a field left out keeps its stored value (a default would overwrite it). */
const syncChange = z.strictObject(
  Object.fromEntries(Object.entries(syncInputSchema.shape).map(([key, field]) => [key, (field instanceof z.ZodDefault ? field.unwrap() : field).optional()])),
) as unknown as z.ZodType<Partial<SyncInput>>;

export const createSyncRoute = defineRoute({
  method: "POST",
  path: "/syncs",
  tag: "Syncs",
  summary: "Create a sync; it is checked against its dataset and the destination's live fields",
  body: syncInputSchema,
  success: 201,
  response: syncOut,
  handle: async ({ db, workspaceId, actor, body }) => {
    return { data: publicSync(await addSync(db, { workspaceId, actor, input: body })) };
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
    const { page, nextCursor } = await syncsPage(db, { workspaceId, ...query });
    return { data: page.map(publicSync), nextCursor };
  },
});

export const getSyncRoute = defineRoute({
  method: "GET",
  path: "/syncs/{id}",
  tag: "Syncs",
  summary: "A sync",
  params: idParams,
  response: syncOut,
  handle: async ({ db, workspaceId, params }) => ({ data: publicSync(await requireSync(db, { workspaceId, syncId: params.id })) }),
});

export const updateSyncRoute = defineRoute({
  method: "PATCH",
  path: "/syncs/{id}",
  tag: "Syncs",
  summary: "Change a sync: the fields given replace the stored ones, and the result is checked again",
  params: idParams,
  body: syncChange,
  response: syncOut,
  handle: async ({ db, workspaceId, actor, params, body }) => {
    const current = publicSync(await requireSync(db, { workspaceId, syncId: params.id }));
    const merged = Object.fromEntries(Object.entries({ ...current, ...body }).filter(([k]) => k in syncInputSchema.shape));
    return { data: publicSync(await changeSync(db, { workspaceId, actor, syncId: params.id, input: merged, fields: Object.keys(body) })) };
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
    await removeSync(db, { workspaceId, actor, syncId: params.id });
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
    const run = await startRun(db, { workspaceId, actor, syncId: params.id, mode: body.mode, trigger: "api" });
    return { data: { id: run.id, status: run.status } };
  },
});
