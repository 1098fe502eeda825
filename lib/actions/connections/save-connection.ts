"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { audit } from "@/lib/audit";
import { createConnection, deleteConnection, getConnection, updateConnection } from "@/lib/db/queries/connections";
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
    const saved = id
      ? await updateConnection(ctx.db, { workspaceId: ctx.workspaceId, connectionId: id, ...input })
      : await createConnection(ctx.db, { workspaceId: ctx.workspaceId, connector, ...input });
    await audit(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, action: id ? "connection.updated" : "connection.created", target: { type: "connection", id: saved.id, name: saved.name } });
    revalidatePath("/connections");
    return { id: saved.id };
  },
);

export const removeConnection = workspaceAction("manageConnections", z.object({ id: z.uuid() }), async ({ id }, ctx) => {
  const { name } = await getConnection(ctx.db, { workspaceId: ctx.workspaceId, connectionId: id });
  await deleteConnection(ctx.db, { workspaceId: ctx.workspaceId, connectionId: id });
  await audit(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, action: "connection.deleted", target: { type: "connection", id, name } });
  revalidatePath("/connections");
  return { id };
});
