"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import * as connections from "@/lib/connections/manage";
import { workspaceAction } from "../workspace-action";

const rateLimit = z.object({ windowSeconds: z.number().int().min(1).max(86_400), maxRequests: z.number().int().min(1).max(1_000_000) }).nullable();

/** Creates a connection, or changes one (secrets left out are kept, unless where it points changed). */
export const saveConnection = workspaceAction(
  "manageConnections",
  z.object({
    id: z.uuid().optional(),
    connector: z.string().min(1),
    name: z.string().trim().min(1, "Name the connection").max(100),
    settings: z.record(z.string(), z.unknown()),
    secrets: z.record(z.string(), z.unknown()).optional(),
    rateLimit: rateLimit.optional(),
  }),
  async ({ id, connector, ...input }, ctx) => {
    const who = { workspaceId: ctx.workspaceId, actor: ctx.actor };
    const saved = id ? await connections.changeConnection(ctx.db, { ...who, connectionId: id, ...input }) : await connections.addConnection(ctx.db, { ...who, connector, ...input });
    revalidatePath("/connections");
    return { id: saved.id };
  },
);

export const removeConnection = workspaceAction("manageConnections", z.object({ id: z.uuid() }), async ({ id }, ctx) => {
  await connections.removeConnection(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, connectionId: id });
  revalidatePath("/connections");
  return { id };
});
