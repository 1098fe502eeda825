/** One call to the app's serve route for a run, and what the executor does with the answer. */
import { and, eq } from "drizzle-orm";
import { type ExecutorContext, backoffMs, LIMITS, scaled } from "./context";
import { durationMs } from "./durations";
import { enqueue, postpone, type QueueItem } from "./queue";
import { assertStepBudget, continueRun, createRun, type Effects, endRun, isActive, lockRun, memoize, type Run, RunLimitError } from "./runs";
import { inngestHistory, inngestQueue, inngestRuns, inngestSteps, type SerializedError, type StepMemo } from "./schema";
import { canonicalBody, signature, verifySignature } from "./signing";

type Op = {
  op: string;
  id: string;
  name?: string;
  displayName?: string;
  data?: unknown;
  error?: SerializedError;
  opts?: { timeout?: string; if?: string; function_id?: string; payload?: { data?: Record<string, unknown> } };
};
type Answer = { status: number; headers: Headers; body: unknown; text: string; signed: boolean } | { unreachable: string };

async function buildRequest(ctx: ExecutorContext, run: Run, item: QueueItem) {
  const memos = await ctx.db
    .select({ id: inngestSteps.id, result: inngestSteps.result, seq: inngestSteps.seq })
    .from(inngestSteps)
    .where(eq(inngestSteps.runId, run.id));
  const done = memos.filter((m) => m.result && m.seq !== null).sort((a, b) => a.seq! - b.seq!);
  return {
    version: 2,
    event: run.event,
    events: [run.event],
    steps: Object.fromEntries(done.map((m) => [m.id, m.result])),
    ctx: {
      run_id: run.id,
      attempt: item.attempt,
      max_attempts: run.maxAttempts,
      disable_immediate_execution: run.parallel > 0,
      use_api: false,
      stack: { stack: done.map((m) => m.id), current: done.length },
    },
  };
}

async function post(ctx: ExecutorContext, url: string, body: unknown): Promise<Answer> {
  const canonical = canonicalBody(body);
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-inngest-signature": signature(ctx.signingKey, canonical), "x-inngest-server-kind": "cloud" },
      body: canonical,
      signal: AbortSignal.timeout(LIMITS.callTimeoutMs),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: kept as text for the error message.
    }
    return { status: response.status, headers: response.headers, body: parsed, text, signed: verifySignature(ctx.signingKey, text, response.headers.get("x-inngest-signature")) };
  } catch (error) {
    // A call that outlives Inngest's 2-hour step limit counts as a failed attempt, not as an unreachable app.
    if ((error as Error).name === "TimeoutError")
      return { status: 500, headers: new Headers(), body: { name: "Error", message: "The step ran longer than 2 hours, Inngest's limit" }, text: "", signed: true };
    return { unreachable: (error as Error).message };
  }
}

const asError = (body: unknown, fallback: string): SerializedError => {
  if (body && typeof body === "object" && "message" in body) return body as SerializedError;
  return { name: "Error", message: typeof body === "string" && body ? body.slice(0, 2_000) : fallback };
};

function retryAfterMs(ctx: ExecutorContext, headers: Headers, attempt: number): number {
  const value = headers.get("retry-after");
  if (value) {
    const seconds = Number(value);
    const ms = Number.isFinite(seconds) ? seconds * 1_000 : Date.parse(value) - Date.now();
    if (Number.isFinite(ms)) return scaled(ctx, Math.max(0, ms));
  }
  return backoffMs(ctx, attempt);
}

/** Calls the app for one queue item (a discovery call or one step) and applies the answer atomically. */
export async function processCall(ctx: ExecutorContext, item: QueueItem, fx: Effects) {
  const [run] = await ctx.db.select().from(inngestRuns).where(eq(inngestRuns.id, item.runId));
  if (!isActive(run)) return ctx.db.delete(inngestQueue).where(eq(inngestQueue.id, item.id));
  const fn = ctx.functions.get(run.functionId);
  if (!fn) {
    return ctx.db.transaction(async (tx) => {
      await tx.delete(inngestQueue).where(eq(inngestQueue.id, item.id));
      await endRun(tx, run.id, "failed", { error: { name: "Error", message: `The app no longer serves the function ${run.functionId}` } }, fx);
    });
  }
  if (!run.startedAt) await ctx.db.update(inngestRuns).set({ status: "running", startedAt: new Date() }).where(eq(inngestRuns.id, run.id));
  const url = new URL(fn.url);
  url.searchParams.set("fnId", fn.id);
  url.searchParams.set("stepId", item.stepId);
  const startedAt = new Date();
  const answer = await post(ctx, url.toString(), await buildRequest(ctx, run, item));
  if ("unreachable" in answer) {
    ctx.log(`The app did not answer for run ${run.id} (${answer.unreachable}); trying again`);
    return postpone(ctx.db, item.id, new Date(Date.now() + Math.max(scaled(ctx, 1_000), 50)));
  }
  if (answer.status === 404) return postpone(ctx.db, item.id, new Date(Date.now() + Math.max(scaled(ctx, 1_000), 50)));

  await ctx.db.transaction(async (tx) => {
    const current = await lockRun(tx, run.id);
    const [stillQueued] = await tx.select({ id: inngestQueue.id }).from(inngestQueue).where(eq(inngestQueue.id, item.id));
    if (!isActive(current) || !stillQueued) return;
    await tx.delete(inngestQueue).where(eq(inngestQueue.id, item.id));
    const history = (outcome: string, extra: { stepId?: string; stepName?: string; error?: SerializedError } = {}) =>
      tx.insert(inngestHistory).values({ runId: run.id, stepId: extra.stepId ?? (item.stepId === "step" ? null : item.stepId), stepName: extra.stepName, attempt: item.attempt, outcome, error: extra.error, startedAt, endedAt: new Date() });
    const retryOrFail = async (error: SerializedError, noRetry: boolean) => {
      const final = noRetry || item.attempt + 1 >= current.maxAttempts;
      await history(final ? "failed" : "error", { error });
      if (final) return endRun(tx, run.id, "failed", { error }, fx);
      await enqueue(tx, [{ runId: run.id, functionId: run.functionId, kind: "call", stepId: item.stepId, attempt: item.attempt + 1, dueAt: new Date(Date.now() + retryAfterMs(ctx, answer.signed ? answer.headers : new Headers(), item.attempt + 1)), concurrency: item.concurrency }]);
    };
    try {
      // Only the SDK, holding the signing key, signs its answers: anything else (a plain 200 from another server) is a failed attempt.
      if (!answer.signed && answer.status !== 401) return await retryOrFail({ name: "Error", message: `The app answered ${answer.status} without a valid Inngest signature: ${answer.text.slice(0, 200)}` }, false);
      if (answer.status === 200) {
        await history("completed");
        return await endRun(tx, run.id, "completed", { output: answer.body ?? null }, fx);
      }
      if (answer.status === 206 && Array.isArray(answer.body)) return await applyOps(ctx, tx, current, item, answer.body as Op[], answer.headers, history, fx);
      const error = asError(answer.body, `The app answered ${answer.status}`);
      if (answer.status === 401) {
        await history("refused", { error });
        return endRun(tx, run.id, "failed", { error: { name: "Error", message: "The app refused the executor's signed request (401): its INNGEST_SIGNING_KEY differs from the executor's" } }, fx);
      }
      await retryOrFail(error, answer.headers.get("x-inngest-no-retry") === "true");
    } catch (error) {
      if (!(error instanceof RunLimitError)) throw error;
      await endRun(tx, run.id, "failed", { error: { name: "RunLimitError", message: error.message } }, fx);
    }
  });
}

type History = (outcome: string, extra?: { stepId?: string; stepName?: string; error?: SerializedError }) => Promise<unknown>;

async function applyOps(ctx: ExecutorContext, tx: ExecutorContext["db"], run: Run, item: QueueItem, ops: Op[], headers: Headers, history: History, fx: Effects) {
  if (ops.filter((o) => o.op !== "StepRun").length > 1 && run.parallel === 0) {
    await tx.update(inngestRuns).set({ parallel: 1 }).where(eq(inngestRuns.id, run.id));
    run.parallel = 1;
  }
  let memoized = false;
  for (const op of ops) {
    const name = op.displayName ?? op.name ?? op.id;
    const step = { id: op.id, name, op: op.op };
    const [existing] = await tx.select({ status: inngestSteps.status }).from(inngestSteps).where(and(eq(inngestSteps.runId, run.id), eq(inngestSteps.id, op.id)));
    const waitingFor = async (status: "planned" | "sleeping" | "waiting" | "invoking", extra: Partial<typeof inngestSteps.$inferInsert> = {}) => {
      if (existing) return false;
      await assertStepBudget(tx, run.id);
      await tx.insert(inngestSteps).values({ runId: run.id, ...step, status, ...extra });
      return true;
    };
    switch (op.op) {
      case "StepRun":
        memoized = (await memoize(tx, run, step, { data: op.data ?? null })) || memoized;
        await history("completed", { stepId: op.id, stepName: name });
        break;
      case "StepFailed":
        memoized = (await memoize(tx, run, step, { error: op.error ?? { name: "Error", message: "Step failed" } })) || memoized;
        await history("failed", { stepId: op.id, stepName: name, error: op.error });
        break;
      case "StepError":
        await history("error", { stepId: op.id, stepName: name, error: op.error });
        await enqueue(tx, [{ runId: run.id, functionId: run.functionId, kind: "call", stepId: op.id, attempt: item.attempt + 1, dueAt: new Date(Date.now() + retryAfterMs(ctx, headers, item.attempt + 1)), concurrency: item.concurrency }]);
        break;
      case "StepPlanned":
        if (await waitingFor("planned")) await enqueue(tx, [{ runId: run.id, functionId: run.functionId, kind: "call", stepId: op.id, concurrency: item.concurrency }]);
        break;
      case "Sleep":
        if (await waitingFor("sleeping")) await enqueue(tx, [{ runId: run.id, functionId: run.functionId, kind: "wake", stepId: op.id, dueAt: new Date(Date.now() + scaled(ctx, Math.max(0, durationMs(op.name)))) }]);
        break;
      case "WaitForEvent":
        if (await waitingFor("waiting", { waitEvent: op.name, waitIf: op.opts?.if ?? null }))
          await enqueue(tx, [{ runId: run.id, functionId: run.functionId, kind: "timeout", stepId: op.id, dueAt: new Date(Date.now() + scaled(ctx, durationMs(op.opts?.timeout))) }]);
        break;
      case "InvokeFunction":
        if (await waitingFor("invoking")) await invoke(ctx, tx, run, op, fx);
        break;
      default:
        throw new RunLimitError(`The local executor does not support the ${op.op} step`);
    }
  }
  if (memoized) await continueRun(tx, run);
}

async function invoke(ctx: ExecutorContext, tx: ExecutorContext["db"], run: Run, op: Op, fx: Effects) {
  const target = ctx.functions.get(op.opts?.function_id ?? "");
  const fail = (message: string): StepMemo => ({ error: { name: "Error", message } });
  if (!target) {
    await memoize(tx, run, { id: op.id, name: op.displayName ?? op.id, op: op.op }, fail(`No function ${op.opts?.function_id} is registered`));
    return continueRun(tx, run);
  }
  const event = { name: "inngest/function.invoked", data: op.opts?.payload?.data ?? {}, ts: Date.now() };
  const child = await createRun(ctx, tx, target, event, fx, { runId: run.id, stepId: op.id });
  await tx.update(inngestSteps).set({ childRunId: child }).where(and(eq(inngestSteps.runId, run.id), eq(inngestSteps.id, op.id)));
  if (op.opts?.timeout) await enqueue(tx, [{ runId: run.id, functionId: run.functionId, kind: "timeout", stepId: op.id, dueAt: new Date(Date.now() + scaled(ctx, durationMs(op.opts.timeout))) }]);
}
