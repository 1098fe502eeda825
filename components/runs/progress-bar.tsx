import { cn } from "@/lib/utils";
import { describeProgress } from "./progress";

/** A run's progress; a pulsing bar while it waits or plans, when there is no count yet. */
export function ProgressBar({ run, className }: { run: Parameters<typeof describeProgress>[0]; className?: string }) {
  const { percent, text } = describeProgress(run);
  return (
    <div className={className}>
      <div className="h-1.5 rounded bg-zinc-200">
        <div className={cn("h-1.5 rounded bg-blue-600 transition-[width]", percent === undefined && "w-full animate-pulse bg-blue-300")} style={percent === undefined ? undefined : { width: `${percent}%` }} />
      </div>
      <p className="mt-1 text-xs tabular-nums text-zinc-500" data-testid="run-progress">
        {text}
      </p>
    </div>
  );
}
