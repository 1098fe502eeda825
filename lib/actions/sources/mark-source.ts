"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { addSource, removeSource } from "@/lib/sources/manage";
import { workspaceAction } from "../workspace-action";

/** Marks a PostgreSQL, MySQL/MariaDB, SFTP or FTP connection usable as a source: imports may then read it. */
export const markSource = workspaceAction("manageConnections", z.object({ connectionId: z.uuid() }), async (input, ctx) => {
  const source = await addSource(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, input });
  revalidatePath("/sources");
  return { id: source.id };
});

/** Stops a connection being a source (the connection stays); refused while an import reads it. */
export const unmarkSource = workspaceAction("manageConnections", z.object({ sourceId: z.uuid() }), async ({ sourceId }, ctx) => {
  await removeSource(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, sourceId });
  revalidatePath("/sources");
  return { sourceId };
});
