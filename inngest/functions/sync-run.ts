import { NonRetriableError } from "inngest";
import { DestinationConfigError } from "@/connectors/types";
import { getDb } from "@/lib/db/client";
import { PublicError } from "@/lib/errors";
import { loadRun, RunGoneError } from "@/lib/sync/context";
import { abortDelivery, beginDelivery, commitDelivery, deliverBatches, deliversAtCommit, DestinationUnreachable } from "@/lib/sync/deliver";
import { finalizeRun } from "@/lib/sync/finalize";
import { planRun } from "@/lib/sync/plan";
import { claimRun, endRunWith, trackStep } from "@/lib/sync/runs";
import { inngest } from "../client";
import { syncRunFinished, syncRunRequested } from "../events";

const MAX_DELIVERY_STEPS = 800;
const STEP_BUDGET_MS = 20_000;
/** A destination that processes after upload (an audience replace) is checked again at most this often. */
const MAX_COMMIT_CHECKS = 60;

/** Errors about the sync's configuration end the run at once: retrying cannot fix them. */
const final = (error: unknown) =>
  error instanceof DestinationConfigError || error instanceof RunGoneError || error instanceof PublicError || error instanceof DestinationUnreachable
    ? new NonRetriableError((error as Error).message)
    : error;

/** One run of a sync: plan → begin → deliver batches → commit → finalize, each step recorded in the run's history. */
export const syncRun = inngest.createFunction(
  {
    id: "sync-run",
    name: "Sync run",
    retries: 3,
    triggers: [syncRunRequested],
    concurrency: [{ limit: 1, key: "event.data.syncId" }],
    cancelOn: [{ event: "sync/run.cancel-requested", if: "async.data.runId == event.data.runId" }],
    onFailure: async ({ event, error, step }) => {
      const { runId, syncId, workspaceId } = event.data.event.data as { runId: string; syncId: string; workspaceId: string };
      const db = getDb();
      await step.run("mark-failed", async () => {
        const loaded = await loadRun(db, runId).catch(() => undefined);
        if (!loaded || !["queued", "running"].includes(loaded.run.status)) return;
        await abortDelivery(db, loaded).catch(() => {});
        // Keep what was delivered before the failure, so the next run neither loses nor repeats it.
        if (loaded.run.status === "running") await finalizeRun(db, loaded, {}, error.message);
        else await endRunWith(db, runId, "failed", error.message);
      });
      await step.sendEvent("announce", syncRunFinished.create({ runId, syncId, workspaceId, status: "failed", error: error.message }));
    },
  },
  async ({ event, step, attempt }) => {
    const db = getDb();
    const { runId, syncId, workspaceId } = event.data;
    const tracked = <T>(name: string, label: string, work: () => Promise<T>) =>
      step.run(name, () => trackStep(db, { workspaceId, runId, name: label, attempt }, () => work().catch((e: unknown) => Promise.reject(final(e)))));

    for (let waits = 0; ; waits++) {
      const claim = await step.run("claim", () => claimRun(db, runId));
      if (claim === "ended") return { status: "ended" };
      if (claim === "running") break;
      if (waits === 3) throw new NonRetriableError("Another run of this sync has been running for more than 6 hours");
      await step.waitForEvent("wait-for-running-run", { event: "sync/run.finished", timeout: "2h", if: "async.data.syncId == event.data.syncId" });
    }

    const plan = await tracked("plan", "Plan", async () => {
      const loaded = await loadRun(db, runId);
      return { ...(await planRun(db, loaded, loaded.connector.manifest.batchSize)), atCommit: deliversAtCommit(loaded) };
    });
    await tracked("begin", "Open delivery", async () => beginDelivery(db, await loadRun(db, runId)));
    const perStep = Math.max(1, Math.ceil(plan.batches / MAX_DELIVERY_STEPS));
    for (let next = 0; next < plan.batches && !plan.atCommit; ) {
      const from = next;
      next = await tracked(`deliver-${from}`, `Deliver from batch ${from + 1} of ${plan.batches}`, async () =>
        deliverBatches(db, await loadRun(db, runId), { from, min: from + perStep, until: plan.batches, budgetMs: STEP_BUDGET_MS }),
      );
    }
    let commit = await tracked("commit", "Commit", async () => commitDelivery(db, await loadRun(db, runId)));
    for (let check = 1; commit.pending; check++) {
      if (check > MAX_COMMIT_CHECKS) throw new NonRetriableError(`The destination was still processing after ${MAX_COMMIT_CHECKS} checks: ${commit.pending.message}`);
      await step.sleep(`wait-commit-${check}`, `${commit.pending.waitSeconds}s`);
      commit = await tracked(`commit-${check}`, `Commit: ${commit.pending.message} (check ${check + 1})`, async () => commitDelivery(db, await loadRun(db, runId)));
    }
    const result = await tracked("finalize", "Finalize", async () => finalizeRun(db, await loadRun(db, runId), commit));
    await step.sendEvent("announce", syncRunFinished.create({ runId, syncId, workspaceId, status: result.status, counts: result.counts }));
    return result;
  },
);
