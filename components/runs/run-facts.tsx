import { DateTime } from "@/components/ui/date-time";
import { cn, formatNumber } from "@/lib/utils";
import { duration } from "./run-status";

/** When a run (a sync's or an import's) was queued, started and finished, and how long it took. */
export function RunTimes({ run }: { run: { queuedAt: string; startedAt: string | null; finishedAt: string | null } }) {
  return (
    <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4">
      {(
        [
          ["Queued", <DateTime key="queued" value={run.queuedAt} />],
          ["Started", <DateTime key="started" value={run.startedAt} />],
          ["Finished", <DateTime key="finished" value={run.finishedAt} />],
          ["Duration", run.startedAt ? duration(run.startedAt, run.finishedAt) : "—"],
        ] satisfies [string, React.ReactNode][]
      ).map(([label, value]) => (
        <div key={label}>
          <dt className="text-xs text-zinc-500">{label}</dt>
          <dd className="tabular-nums">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A run's counts as tiles; the count of records that did not go through (`problem`) is red when not zero. */
export function RunTotals({ counts, problem, className }: { counts: readonly (readonly [string, number])[]; problem: string; className?: string }) {
  return (
    <dl className={cn("grid grid-cols-3 gap-3 sm:grid-cols-6", className)} data-testid="run-totals">
      {counts.map(([label, value]) => (
        <div key={label} className="rounded-md bg-zinc-50 px-3 py-2">
          <dt className="text-xs text-zinc-500">{label}</dt>
          <dd className={cn("text-lg font-semibold tabular-nums", label === problem && value > 0 && "text-red-700")}>{formatNumber(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
