import { NonRetriableError } from "inngest";
import { announceRecordsChanged } from "@/inngest/requests";
import { getDb } from "@/lib/db/client";
import { importRunSteps } from "@/lib/db/schema";
import { PublicError } from "@/lib/errors";
import { queueImportFailureNotices } from "@/lib/sources/alerts";
import { finalizeImportRun } from "@/lib/sources/finalize";
import { planImportRun, readImportPages } from "@/lib/sources/read";
import { claimImportRun, endImportRun } from "@/lib/sources/run-state";
import { RunGoneError } from "@/lib/sync/context";
import { trackStep } from "@/lib/sync/runs";
import { finishedRunStatuses, isOneOf } from "@/lib/vocabulary";
import { inngest } from "../client";
import { importRunFinished, importRunRequested, notificationRequested } from "../events";

/** At most this many read steps per phase: one step reads for up to 20 s, a page committed at a time. */
const MAX_READ_STEPS = 400;
const turnCheck = (wait: number) => `${Math.min(2 ** wait, 600)}s` as const;

/** Bad settings, a refused query, a vanished import: retrying cannot help. */
const final = (error: unknown) => (error instanceof PublicError || error instanceof RunGoneError ? new NonRetriableError((error as Error).message) : error);

/**
 * One run of an import: claim → plan → read pages (each step commits page by page, so a step replayed after a
 * crash reads on from the last committed page) → the key scan of a cursor import that acts on disappeared rows →
 * finalize → tell the real-time syncs of the entity, once. A failure for good alerts the import's channels.
 */
export const importRun = inngest.createFunction(
  {
    id: "import-run",
    name: "Import run",
    retries: 3,
    triggers: [importRunRequested],
    concurrency: [{ limit: 1, key: "event.data.importId" }],
    onFailure: async ({ event, error, step }) => {
      const { runId, importId, workspaceId } = event.data.event.data as { runId: string; importId: string; workspaceId: string };
      const ended = await step.run("mark-failed", () => endImportRun(getDb(), runId, { status: "failed", error: error.message }));
      if (!ended) return;
      const deliveries = await step.run("alert", () => queueImportFailureNotices(getDb(), runId));
      if (deliveries.length) await step.sendEvent("deliver-alerts", deliveries.map((deliveryId) => notificationRequested.create({ deliveryId }, { id: `notify-${deliveryId}` })));
      await step.sendEvent("announce", importRunFinished.create({ runId, importId, workspaceId, status: "failed", error: error.message }));
    },
  },
  async ({ event, step, attempt }) => {
    const db = getDb();
    const { runId, importId, workspaceId } = event.data;
    const tracked = <T>(name: string, label: string, work: () => Promise<T>) =>
      step.run(name, () => trackStep(db, { workspaceId, runId, name: label, attempt }, () => work().catch((e: unknown) => Promise.reject(final(e))), importRunSteps));

    for (let wait = 0; ; wait++) {
      const claim = await step.run("claim", () => claimImportRun(db, runId));
      if (claim === "ended") return { status: "ended" };
      if (claim === "running") break;
      await step.waitForEvent("wait-for-turn", { event: "import/run.finished", timeout: turnCheck(wait), if: "async.data.importId == event.data.importId" });
    }
    const plan = await tracked("plan", "Plan", () => planImportRun(db, runId));
    let cancelled = false;
    for (const phase of plan.keyScan ? (["rows", "keys"] as const) : (["rows"] as const)) {
      let done = false;
      for (let n = 0; !done && !cancelled; n++) {
        if (n >= MAX_READ_STEPS) throw new NonRetriableError(`The read did not end within ${MAX_READ_STEPS} steps`);
        const label = phase === "rows" ? `Read rows (step ${n + 1})` : `Read keys to find removed rows (step ${n + 1})`;
        ({ done, cancelled } = await tracked(`read-${phase}-${n}`, label, () => readImportPages(db, runId, phase)));
      }
    }
    const result = await tracked("finalize", "Finalize", () => finalizeImportRun(db, runId, { cancelled }));
    if (result.changed) await step.run("announce-changes", () => announceRecordsChanged(db, { workspaceId, entity: result.entity, count: result.changed }));
    if (isOneOf(finishedRunStatuses, result.status)) await step.sendEvent("announce", importRunFinished.create({ runId, importId, workspaceId, status: result.status }));
    return result;
  },
);
