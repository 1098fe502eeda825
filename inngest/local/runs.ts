/** Runs: creation with flow control, memoized step results, and the ends of a run (done, failed, cancelled). */
import { and, desc, eq, gte, inArray, isNull, max, sql } from "drizzle-orm";
import { ulid } from "ulid";
import type { Db } from "@/lib/db/client";
import { durationMs } from "./durations";
import { type ExecutorContext, LIMITS, type RegisteredFunction, scaled } from "./context";
import { keyValue } from "./expressions";
import { enqueue } from "./queue";
import { type ConcurrencySlot, type EventPayload, inngestHistory, inngestQueue, inngestRuns, inngestSteps, type RunKeys, type SerializedError, type StepMemo } from "./schema";

export type Run = typeof inngestRuns.$inferSelect;
/** Side effects that may only happen once the transaction that decided them has committed. */
export type Effects = { emit: EventPayload[] };
export const newEffects = (): Effects => ({ emit: [] });

export class RunLimitError extends Error {}

const ACTIVE = ["queued", "running"] as const;

function concurrencySlots(fn: RegisteredFunction, event: EventPayload): ConcurrencySlot[] {
  const option = fn.config.concurrency;
  if (option === undefined) return [];
  const list = typeof option === "number" ? [{ limit: option }] : Array.isArray(option) ? option : [option];
  return list
    .filter((c) => c.limit > 0)
    .map((c) => {
      const scope = c.scope ?? "fn";
      const value = keyValue(c.key, { event });
      return { key: `${scope === "fn" ? fn.id : scope}:${c.key ?? ""}:${value}`, limit: c.limit };
    });
}

const scopedKey = (fn: RegisteredFunction, expression: string | undefined, event: EventPayload) => `${fn.id}:${keyValue(expression, { event })}`;
const withKey = (name: keyof RunKeys, value: string) => sql`${inngestRuns.keys} ->> ${name} = ${value}`;

/**
 * Starts a run of `fn` for `event`, unless flow control says otherwise (singleton skip, idempotency, rate
 * limit), or folds the event into a pending debounced run. Returns the run id, or undefined when dropped.
 */
export async function createRun(
  ctx: ExecutorContext,
  db: Db,
  fn: RegisteredFunction,
  event: EventPayload,
  fx: Effects,
  parent?: { runId: string; stepId: string },
): Promise<string | undefined> {
  const cfg = fn.config;
  const keys: RunKeys = { concurrency: concurrencySlots(fn, event) };
  // Concurrent events must not both see "no pending run": flow control decides one event at a time per function.
  if (cfg.debounce || cfg.singleton || cfg.idempotency || cfg.rateLimit) await db.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${fn.id}))`);
  const since = (ms: number) => gte(inngestRuns.createdAt, new Date(Date.now() - ms));

  if (cfg.idempotency) {
    keys.idempotency = scopedKey(fn, cfg.idempotency, event);
    const seen = await db.select({ id: inngestRuns.id }).from(inngestRuns).where(and(withKey("idempotency", keys.idempotency), since(LIMITS.dedupeWindowMs))).limit(1);
    if (seen.length) return undefined;
  }
  if (cfg.rateLimit) {
    keys.rateLimit = scopedKey(fn, cfg.rateLimit.key, event);
    const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(inngestRuns).where(and(withKey("rateLimit", keys.rateLimit), since(scaled(ctx, durationMs(cfg.rateLimit.period)))));
    if ((row?.n ?? 0) >= cfg.rateLimit.limit) return undefined;
  }
  if (cfg.singleton) {
    keys.singleton = scopedKey(fn, cfg.singleton.key, event);
    const active = await db.select({ id: inngestRuns.id }).from(inngestRuns).where(and(withKey("singleton", keys.singleton), inArray(inngestRuns.status, ACTIVE)));
    if (active.length && cfg.singleton.mode === "skip") return undefined;
    for (const r of active) await endRun(db, r.id, "cancelled", { error: { name: "Cancelled", message: "Cancelled by a newer run (singleton)" } }, fx);
  }
  let dueAt = new Date();
  if (cfg.debounce) {
    keys.debounce = scopedKey(fn, cfg.debounce.key, event);
    const period = scaled(ctx, durationMs(cfg.debounce.period));
    const [pending] = await db
      .select()
      .from(inngestRuns)
      .where(and(withKey("debounce", keys.debounce), eq(inngestRuns.status, "queued"), sql`${inngestRuns.startedAt} IS NULL`))
      .orderBy(desc(inngestRuns.createdAt))
      .limit(1);
    const latest = pending && (cfg.debounce.timeout ? pending.createdAt.getTime() + scaled(ctx, durationMs(cfg.debounce.timeout)) : Infinity);
    // A run whose call a worker already took has started, as far as Inngest is concerned: the event opens a new debounce.
    const postponed = pending
      ? await db.update(inngestQueue).set({ dueAt: new Date(Math.min(Date.now() + period, latest!)) }).where(and(eq(inngestQueue.runId, pending.id), isNull(inngestQueue.leaseOwner))).returning({ id: inngestQueue.id })
      : [];
    if (postponed.length) {
      await db.update(inngestRuns).set({ event }).where(eq(inngestRuns.id, pending!.id));
      return pending!.id;
    }
    dueAt = new Date(Date.now() + period);
  }

  const id = ulid();
  await db.insert(inngestRuns).values({
    id,
    functionId: fn.id,
    event,
    status: "queued",
    keys,
    maxAttempts: (cfg.steps.step?.retries?.attempts ?? 3) + 1,
    parentRunId: parent?.runId,
    parentStepId: parent?.stepId,
  });
  await enqueue(db, [{ runId: id, functionId: fn.id, kind: "call", stepId: "step", dueAt, concurrency: keys.concurrency }]);
  return id;
}

/** Stores a step's result (first result wins), enforcing Inngest's size and count limits. */
export async function memoize(db: Db, run: Run, step: { id: string; name: string; op: string }, memo: StepMemo) {
  const bytes = Buffer.byteLength(JSON.stringify(memo));
  if ("data" in memo && bytes > LIMITS.stepOutputBytes)
    throw new RunLimitError(`Step "${step.name}" returned ${(bytes / 1048576).toFixed(1)} MiB; Inngest refuses step outputs over 4 MiB`);
  if (run.stateBytes + bytes > LIMITS.runStateBytes) throw new RunLimitError("The run's state grew over 32 MiB, Inngest's limit for one run");
  const [existing] = await db.select().from(inngestSteps).where(and(eq(inngestSteps.runId, run.id), eq(inngestSteps.id, step.id)));
  if (existing && (existing.status === "completed" || existing.status === "failed")) return false;
  if (!existing) await assertStepBudget(db, run.id);
  const [{ seq } = { seq: 0 }] = await db.select({ seq: max(inngestSteps.seq) }).from(inngestSteps).where(eq(inngestSteps.runId, run.id));
  const values = { result: memo, bytes, seq: (seq ?? 0) + 1, status: "data" in memo ? ("completed" as const) : ("failed" as const), endedAt: new Date() };
  await db
    .insert(inngestSteps)
    .values({ runId: run.id, id: step.id, name: step.name, op: step.op, ...values })
    .onConflictDoUpdate({ target: [inngestSteps.runId, inngestSteps.id], set: values });
  await db.update(inngestRuns).set({ stateBytes: sql`${inngestRuns.stateBytes} + ${bytes}` }).where(eq(inngestRuns.id, run.id));
  return true;
}

export async function assertStepBudget(db: Db, runId: string) {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(inngestSteps).where(eq(inngestSteps.runId, runId));
  if ((row?.n ?? 0) >= LIMITS.stepsPerRun) throw new RunLimitError("The run has more than 1,000 steps, Inngest's limit for one run: do the work in fewer, larger steps");
}

/** Asks the app what comes next, unless parallel steps of the run are still being worked on. */
export async function continueRun(db: Db, run: Run) {
  const [pending] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(inngestSteps)
    .where(and(eq(inngestSteps.runId, run.id), eq(inngestSteps.status, "planned")));
  if ((pending?.n ?? 0) > 0) return;
  const queued = await db
    .select({ id: inngestQueue.id })
    .from(inngestQueue)
    .where(and(eq(inngestQueue.runId, run.id), eq(inngestQueue.kind, "call"), eq(inngestQueue.stepId, "step")));
  if (queued.length === 0)
    await enqueue(db, [{ runId: run.id, functionId: run.functionId, kind: "call", stepId: "step", concurrency: run.keys.concurrency ?? [] }]);
}

export async function lockRun(db: Db, runId: string): Promise<Run | undefined> {
  const [run] = await db.select().from(inngestRuns).where(eq(inngestRuns.id, runId)).for("update");
  return run;
}

export const isActive = (run: Run | undefined): run is Run => run !== undefined && (run.status === "queued" || run.status === "running");

/** Ends a run: its queued work is dropped, a parent waiting on it (step.invoke) resumes, failure is announced. */
export async function endRun(
  db: Db,
  runId: string,
  status: "completed" | "failed" | "cancelled",
  result: { output?: unknown; error?: SerializedError },
  fx: Effects,
) {
  const run = await lockRun(db, runId);
  if (!isActive(run)) return;
  await db
    .update(inngestRuns)
    .set({ status, output: result.output ?? null, error: result.error ?? null, endedAt: new Date() })
    .where(eq(inngestRuns.id, runId));
  await db.delete(inngestQueue).where(eq(inngestQueue.runId, runId));
  if (run.parentRunId && run.parentStepId) {
    const memo: StepMemo = status === "completed" ? { data: result.output ?? null } : { error: result.error ?? { name: "Error", message: `Invoked run ${status}` } };
    await resolveStep(db, run.parentRunId, run.parentStepId, "invoking", memo, fx);
  }
  const now = Date.now();
  if (status === "failed" && !run.functionId.endsWith("-failure"))
    fx.emit.push({ name: "inngest/function.failed", data: { function_id: run.functionId, run_id: run.id, error: result.error, event: run.event }, ts: now });
  if (status === "cancelled") fx.emit.push({ name: "inngest/function.cancelled", data: { function_id: run.functionId, run_id: run.id, event: run.event }, ts: now });
}

/** Gives a waiting step (sleep, waitForEvent, invoke) its result if it is still waiting, then carries the run on. */
export async function resolveStep(db: Db, runId: string, stepId: string, from: "sleeping" | "waiting" | "invoking", memo: StepMemo, fx: Effects) {
  const run = await lockRun(db, runId);
  if (!isActive(run)) return false;
  const [step] = await db.select().from(inngestSteps).where(and(eq(inngestSteps.runId, runId), eq(inngestSteps.id, stepId)));
  if (step?.status !== from) return false;
  try {
    await memoize(db, run, step, memo);
  } catch (error) {
    if (!(error instanceof RunLimitError)) throw error;
    await endRun(db, runId, "failed", { error: { name: "RunLimitError", message: error.message } }, fx);
    return true;
  }
  await db.delete(inngestQueue).where(and(eq(inngestQueue.runId, runId), eq(inngestQueue.stepId, stepId)));
  await db.insert(inngestHistory).values({ runId, stepId, stepName: step.name, outcome: from === "waiting" && "data" in memo && memo.data === null ? "timed out" : "resolved", startedAt: step.startedAt, endedAt: new Date() });
  await continueRun(db, run);
  return true;
}
