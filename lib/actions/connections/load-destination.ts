"use server";
import { z } from "zod";
import { DestinationConfigError } from "@/connectors/types";
import { loadConnection } from "@/lib/db/queries/connections";
import { PublicError } from "@/lib/errors";
import { workspaceAction } from "../workspace-action";

const reach = async <T>(work: () => Promise<T>) => {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PublicError) throw error;
    throw new PublicError(error instanceof DestinationConfigError ? error.message : `The destination did not answer: ${(error as Error).message}`);
  }
};

/** The objects a sync can write to, read live from the destination. */
export const loadObjects = workspaceAction("view", z.object({ connectionId: z.uuid() }), async ({ connectionId }, ctx) => {
  const { connector, config } = await loadConnection(ctx.db, { workspaceId: ctx.workspaceId, connectionId });
  return reach(() => connector.listObjects(config));
});

/** An object's fields (type, required, key), read live from the destination. */
export const loadFields = workspaceAction("view", z.object({ connectionId: z.uuid(), object: z.string().min(1) }), async ({ connectionId, object }, ctx) => {
  const { connector, config } = await loadConnection(ctx.db, { workspaceId: ctx.workspaceId, connectionId });
  return reach(() => connector.listFields(config, object));
});
