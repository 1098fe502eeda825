import "server-only";
import { z } from "zod";
import { exportSyncs, importSyncs, syncsDocument } from "@/lib/syncs/transfer";
import { defineRoute } from "../route";

export const exportSyncsRoute = defineRoute({
  method: "GET",
  path: "/syncs/export",
  tag: "Syncs",
  summary: "Every sync of the workspace as one JSON document (datasets and connections by name, no secrets), for /syncs/import",
  response: syncsDocument,
  handle: async ({ db, workspaceId }) => ({ data: await exportSyncs(db, { workspaceId }) }),
});

export const importSyncsRoute = defineRoute({
  method: "POST",
  path: "/syncs/import",
  tag: "Syncs",
  summary: "Create or update (by name) the syncs of an exported document; all or nothing, every problem reported by path",
  body: syncsDocument,
  response: z.object({ created: z.number(), updated: z.number() }),
  handle: async ({ db, workspaceId, actor, body }) => ({ data: await importSyncs(db, { workspaceId, actor, document: body }) }),
});
