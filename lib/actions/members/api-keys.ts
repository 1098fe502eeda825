"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { audit } from "@/lib/audit";
import { createApiKey, revokeApiKey } from "@/lib/db/queries/api-keys";
import { workspaceAction } from "../workspace-action";

/** Creates a workspace API key; the key is in the result once and nowhere afterwards. */
export const createKey = workspaceAction("manageApiKeys", z.object({ name: z.string().trim().min(1, "Name the key").max(100) }), async ({ name }, ctx) => {
  const { key, apiKey } = await createApiKey(ctx.db, { workspaceId: ctx.workspaceId, name });
  await audit(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, action: "api_key.created", target: { type: "api_key", id: apiKey.id, name } });
  revalidatePath("/settings/api-keys");
  return { key, prefix: apiKey.prefix };
});

export const revokeKey = workspaceAction("manageApiKeys", z.object({ keyId: z.uuid() }), async ({ keyId }, ctx) => {
  const revoked = await revokeApiKey(ctx.db, { workspaceId: ctx.workspaceId, idOrPrefix: keyId });
  await audit(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, action: "api_key.revoked", target: { type: "api_key", id: keyId, name: revoked.name } });
  revalidatePath("/settings/api-keys");
  return { keyId };
});
