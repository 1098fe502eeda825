import { formatNumber } from "@/lib/utils";

type Progress = { status: string; planned: number; delivered: number };

/** How far a run in progress is: while it plans there is nothing to count yet, so it says so rather than "0 / 0". */
export function describeProgress(run: Progress) {
  if (run.status === "queued") return { percent: undefined, text: "Waiting to start…" };
  if (run.planned === 0) return { percent: undefined, text: "Planning which records to send…" };
  return { percent: Math.min(100, Math.round((run.delivered / run.planned) * 100)), text: `${formatNumber(run.delivered)} / ${formatNumber(run.planned)} records delivered` };
}
