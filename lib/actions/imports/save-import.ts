"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import * as imports from "@/lib/sources/manage";
import { workspaceAction } from "../workspace-action";

/** Creates or changes an import; the whole configuration is checked against its source (columns, read-only query). */
export const saveImport = workspaceAction("editSyncs", z.object({ id: z.uuid().optional(), input: z.record(z.string(), z.unknown()) }), async ({ id, input }, ctx) => {
  const who = { workspaceId: ctx.workspaceId, actor: ctx.actor };
  const saved = id ? await imports.changeImport(ctx.db, { ...who, importId: id, input }) : await imports.addImport(ctx.db, { ...who, input });
  revalidatePath("/sources");
  return { id: saved.id };
});

/** Deletes an import with its runs and record log; the entity rows it wrote stay. */
export const removeImport = workspaceAction("editSyncs", z.object({ id: z.uuid() }), async ({ id }, ctx) => {
  await imports.removeImport(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, importId: id });
  revalidatePath("/sources");
  return { id };
});
