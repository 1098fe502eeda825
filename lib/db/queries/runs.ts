import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { NotFoundError } from "@/lib/errors";
import type { Db } from "../client";
import { syncRunItems, syncRuns, syncRunSteps } from "../schema";

/** The run of the workspace; a NotFoundError when it has none by that id. */
export async function requireRun(db: Db, p: { workspaceId: string; runId: string }) {
  const run = await db.query.syncRuns.findFirst({ where: and(eq(syncRuns.id, p.runId), eq(syncRuns.workspaceId, p.workspaceId)) });
  if (!run) throw new NotFoundError("Run");
  return run;
}

export const failedRecordKeys = async (db: Db, p: { runId: string }) =>
  (await db.select({ key: syncRunItems.recordKey }).from(syncRunItems).where(and(eq(syncRunItems.runId, p.runId), eq(syncRunItems.status, "failed")))).map((r) => r.key);

/** The steps a run went through, in the order they started (a retried step once per attempt). */
export const runSteps = (db: Db, p: { runId: string }) => db.query.syncRunSteps.findMany({ where: eq(syncRunSteps.runId, p.runId), orderBy: asc(syncRunSteps.startedAt) });
