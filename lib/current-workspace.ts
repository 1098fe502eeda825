import "server-only";
import { cache } from "react";
import { type Db, getDb } from "@/lib/db/client";
import { getDefaultWorkspace } from "@/lib/db/queries/workspaces";

/** The workspace a page, action or API call works in. Until sign-in exists: the single default workspace. */
export const currentWorkspace = cache(async (): Promise<{ db: Db; workspaceId: string; workspaceName: string }> => {
  const db = getDb();
  const workspace = await getDefaultWorkspace(db);
  return { db, workspaceId: workspace.id, workspaceName: workspace.name };
});
