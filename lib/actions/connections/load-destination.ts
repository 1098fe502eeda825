"use server";
import { z } from "zod";
import { listDestinationFields, listDestinationObjects } from "@/lib/connections/destination";
import { workspaceAction } from "../workspace-action";

/** The objects a sync can write to, read live from the destination. */
export const loadObjects = workspaceAction("view", z.object({ connectionId: z.uuid() }), async ({ connectionId }, ctx) =>
  listDestinationObjects(ctx.db, { workspaceId: ctx.workspaceId, connectionId }),
);

/** An object's fields (type, required, key), read live from the destination. */
export const loadFields = workspaceAction("view", z.object({ connectionId: z.uuid(), object: z.string().min(1) }), async ({ connectionId, object }, ctx) =>
  listDestinationFields(ctx.db, { workspaceId: ctx.workspaceId, connectionId, object }),
);
