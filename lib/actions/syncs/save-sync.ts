"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { audit } from "@/lib/audit";
import { createSync, deleteSync, getSync, updateSync } from "@/lib/db/queries/syncs";
import { NotFoundError } from "@/lib/errors";
import { workspaceAction } from "../workspace-action";

/** Creates or changes a sync; the whole configuration is checked against its dataset and destination. */
export const saveSync = workspaceAction("editSyncs", z.object({ id: z.uuid().optional(), input: z.record(z.string(), z.unknown()) }), async ({ id, input }, ctx) => {
  const saved = id ? await updateSync(ctx.db, { workspaceId: ctx.workspaceId, syncId: id, input }) : await createSync(ctx.db, { workspaceId: ctx.workspaceId, input });
  await audit(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, action: id ? "sync.updated" : "sync.created", target: { type: "sync", id: saved.id, name: saved.name } });
  revalidatePath("/syncs");
  revalidatePath("/dashboard");
  return { id: saved.id };
});

export const removeSync = workspaceAction("editSyncs", z.object({ id: z.uuid() }), async ({ id }, ctx) => {
  const sync = await getSync(ctx.db, { workspaceId: ctx.workspaceId, syncId: id });
  if (!sync) throw new NotFoundError("Sync");
  await deleteSync(ctx.db, { workspaceId: ctx.workspaceId, syncId: id });
  await audit(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, action: "sync.deleted", target: { type: "sync", id, name: sync.name } });
  revalidatePath("/syncs");
  revalidatePath("/dashboard");
  return { id };
});
