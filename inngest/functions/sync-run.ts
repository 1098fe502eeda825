import { NonRetriableError } from "inngest";
import { DestinationConfigError } from "@/connectors/types";
import { getDb } from "@/lib/db/client";
import { runSharingProblem } from "@/lib/syncs/sharing";
import { PublicError } from "@/lib/errors";
import { loadRunContext, RunGoneError } from "@/lib/sync/context";
import { holdIfOverLimit, keptPlan } from "@/lib/sync/deletion-guard";
import { abortDelivery, beginDelivery, commitDelivery, deliverBatches, deliversAtCommit, DestinationUnreachable } from "@/lib/sync/deliver";
import { endRunEarly, finalizeRun } from "@/lib/sync/finalize";
import { TechnicalFailure } from "@/lib/http/client";
import { planRun } from "@/lib/sync/plan";
import { CANCELLED_BY_USER, cancelRequested, claimRun, trackStep } from "@/lib/sync/runs";
import { inngest } from "../client";
import { syncRunFinished, syncRunRequested } from "../events";

const MAX_DELIVERY_STEPS = 800;
const STEP_BUDGET_MS = 20_000;
/** A destination that processes after upload (an audience replace) is checked again at most this often. */
const MAX_COMMIT_CHECKS = 60;
/**
 * A run waiting for its turn looks again even when no run of its sync announced its end: after 1 s, then twice as
 * long each time up to 10 minutes — an end announced just before the wait began is noticed within a second.
 */
const turnCheck = (wait: number) => `${Math.min(2 ** wait, 600)}s` as const;

/**
 * Errors about the sync's configuration end the run at once: retrying cannot fix them. So does a request that
 * already went through its own technical retries: retrying the step would send them all again, several times over.
 */
const final = (error: unknown) =>
  error instanceof DestinationConfigError || error instanceof RunGoneError || error instanceof PublicError || error instanceof DestinationUnreachable || error instanceof TechnicalFailure
    ? new NonRetriableError((error as Error).message)
    : error;

/**
 * One run of a sync: plan → begin → deliver batches → commit → finalize, each step recorded in the run's
 * history. A plan over the sync's deletion limit stops after planning, held for confirmation; once
 * confirmed, the run is started again and delivers the plan it kept.
 */
export const syncRun = inngest.createFunction(
  {
    id: "sync-run",
    name: "Sync run",
    retries: 3,
    triggers: [syncRunRequested],
    concurrency: [{ limit: 1, key: "event.data.syncId" }],
    onFailure: async ({ event, error, step }) => {
      const { runId, syncId, workspaceId } = event.data.event.data as { runId: string; syncId: string; workspaceId: string };
      // Keeps what was delivered before the failure, so the next run neither loses nor repeats it.
      const ended = await step.run("mark-failed", () => endRunEarly(getDb(), runId, { status: "failed", error: error.message }));
      if (ended) await step.sendEvent("announce", syncRunFinished.create({ runId, syncId, workspaceId, status: "failed", error: error.message }));
    },
  },
  async ({ event, step, attempt }) => {
    const db = getDb();
    const { runId, syncId, workspaceId } = event.data;
    const tracked = <T>(name: string, label: string, work: () => Promise<T>) =>
      step.run(name, () => trackStep(db, { workspaceId, runId, name: label, attempt }, () => work().catch((e: unknown) => Promise.reject(final(e)))));
    const commitAll = async () => {
      let commit = await tracked("commit", "Commit", async () => commitDelivery(db, await loadRunContext(db, runId)));
      for (let check = 1; commit.pending; check++) {
        if (check > MAX_COMMIT_CHECKS) throw new NonRetriableError(`The destination was still processing after ${MAX_COMMIT_CHECKS} checks: ${commit.pending.message}`);
        await step.sleep(`wait-commit-${check}`, `${commit.pending.waitSeconds}s`);
        commit = await tracked(`commit-${check}`, `Commit: ${commit.pending.message} (check ${check + 1})`, async () => commitDelivery(db, await loadRunContext(db, runId)));
      }
      return commit;
    };

    for (let wait = 0; ; wait++) {
      const claim = await step.run("claim", () => claimRun(db, runId));
      if (claim === "ended") return { status: "ended" };
      if (claim === "running") break;
      // Woken when a run of the sync ends; the timeout looks again in case that happened before this wait began.
      await step.waitForEvent("wait-for-turn", { event: "sync/run.finished", timeout: turnCheck(wait), if: "async.data.syncId == event.data.syncId" });
    }

    const plan = await tracked("plan", "Plan", async () => {
      const loaded = await loadRunContext(db, runId);
      const atCommit = deliversAtCommit(loaded);
      const replace = loaded.run.mode === "replace";
      if (loaded.run.confirmedAt) return { ...keptPlan(loaded.run), atCommit, replace, held: false };
      // A run queued before another sync shared its object, or by the scheduler: never over what another sync wrote.
      const shared = await runSharingProblem(db, { workspaceId, syncId, mode: loaded.run.mode });
      if (shared) throw new PublicError(shared);
      const counts = await planRun(db, loaded, loaded.connector.manifest.batchSize);
      return { ...counts, atCommit, replace, held: await holdIfOverLimit(db, loaded) };
    });
    if (plan.held) {
      await step.sendEvent("announce-held", syncRunFinished.create({ runId, syncId, workspaceId, status: "held" }));
      return { status: "held" };
    }
    await tracked("begin", "Open delivery", async () => beginDelivery(db, await loadRunContext(db, runId)));
    const perStep = Math.max(1, Math.ceil(plan.batches / MAX_DELIVERY_STEPS));
    // A destination that takes the whole run at commit (files) has no batches: its cancel is looked at here.
    let cancelled = plan.atCommit && (await step.run("cancel-check", () => cancelRequested(db, runId)));
    for (let next = 0; next < plan.batches && !plan.atCommit && !cancelled; ) {
      const from = next;
      ({ next, cancelled } = await tracked(`deliver-${from}`, `Deliver from batch ${from + 1} of ${plan.batches}`, async () =>
        deliverBatches(db, await loadRunContext(db, runId), { from, min: from + perStep, until: plan.batches, budgetMs: STEP_BUDGET_MS }),
      ));
    }
    // A cancelled replace is never half applied, nor a file written; other deliveries commit what they sent (an upload session ends).
    const aborts = cancelled && (plan.replace || plan.atCommit);
    const discarded = aborts ? await tracked("abort", "Abort the delivery", async () => abortDelivery(db, await loadRunContext(db, runId))) : false;
    const commit = aborts ? {} : await commitAll();
    const end = cancelled ? { status: "cancelled" as const, error: CANCELLED_BY_USER, discarded } : undefined;
    const result = await tracked("finalize", "Finalize", async () => finalizeRun(db, await loadRunContext(db, runId), commit, end));
    await step.sendEvent("announce", syncRunFinished.create({ runId, syncId, workspaceId, status: result.status, counts: result.counts }));
    return result;
  },
);
