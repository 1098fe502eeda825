/** The executor's own record of a run: its steps, every attempt, timings and errors. */
import { asc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { inngestHistory, inngestRuns, inngestSteps } from "./schema";

export async function getRunState(db: Db, runId: string) {
  const [run] = await db.select().from(inngestRuns).where(eq(inngestRuns.id, runId));
  if (!run) return undefined;
  const steps = await db.select().from(inngestSteps).where(eq(inngestSteps.runId, runId)).orderBy(asc(inngestSteps.startedAt), asc(inngestSteps.seq));
  const history = await db.select().from(inngestHistory).where(eq(inngestHistory.runId, runId)).orderBy(asc(inngestHistory.id));
  return {
    id: run.id,
    functionId: run.functionId,
    status: run.status,
    event: run.event,
    output: run.output,
    error: run.error,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    steps: steps.map((s) => ({ id: s.id, name: s.name, op: s.op, status: s.status, result: s.result, startedAt: s.startedAt, endedAt: s.endedAt })),
    attempts: history.map((h) => ({ stepId: h.stepId, stepName: h.stepName, attempt: h.attempt, outcome: h.outcome, error: h.error, startedAt: h.startedAt, endedAt: h.endedAt })),
  };
}

export async function listRuns(db: Db, functionId: string) {
  return db.select().from(inngestRuns).where(eq(inngestRuns.functionId, functionId)).orderBy(asc(inngestRuns.createdAt));
}
