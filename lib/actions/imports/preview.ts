"use server";
import { z } from "zod";
import { previewImport } from "@/lib/sources/preview";
import { workspaceAction } from "../workspace-action";

/**
 * The columns of what an import reads and its first rows as they would land in the entity, with type problems.
 * It queries the source, so it is for the roles that build imports, not a read any viewer may make.
 */
export const previewImportRows = workspaceAction("editSyncs", z.object({ input: z.record(z.string(), z.unknown()) }), async ({ input }, ctx) =>
  previewImport(ctx.db, { workspaceId: ctx.workspaceId, input }),
);
