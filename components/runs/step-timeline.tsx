import { Check, CircleAlert, CircleSlash, Loader2 } from "lucide-react";
import { cn } from "@/lib/utils";
import type { StepStatus } from "@/lib/vocabulary";
import { duration } from "./run-status";

/** One attempt of a step, as sync runs and import runs both record it. */
export type TimelineStep = { id: string | number; name: string; status: StepStatus; error: string | null; startedAt: string; finishedAt: string | null };

/** Steps in the order they first started, each with every attempt (retries of a failed attempt follow it). */
function groupSteps(steps: TimelineStep[]): { name: string; attempts: TimelineStep[] }[] {
  const groups = new Map<string, TimelineStep[]>();
  for (const step of steps) groups.set(step.name, [...(groups.get(step.name) ?? []), step]);
  return [...groups].map(([name, attempts]) => ({ name, attempts }));
}

const icons: Record<StepStatus, React.ReactNode> = {
  succeeded: <Check className="size-3.5 text-emerald-600" aria-hidden />,
  failed: <CircleAlert className="size-3.5 text-red-600" aria-hidden />,
  running: <Loader2 className="size-3.5 animate-spin text-blue-600" aria-hidden />,
  interrupted: <CircleSlash className="size-3.5 text-amber-600" aria-hidden />,
};

const attemptTone: Partial<Record<StepStatus, string>> = { failed: "text-red-700", interrupted: "text-amber-700" };

export function StepTimeline({ steps }: { steps: TimelineStep[] }) {
  const groups = groupSteps(steps);
  if (groups.length === 0) return <p className="p-4 text-sm text-zinc-500">No step has started yet.</p>;
  return (
    <ol className="flex flex-col" aria-label="Steps">
      {groups.map(({ name, attempts }) => {
        const last = attempts.at(-1)!;
        return (
          <li key={name} data-testid="run-step" className="border-b border-zinc-100 px-4 py-2.5 last:border-b-0">
            <div className="flex items-center gap-2 text-sm">
              {icons[last.status as keyof typeof icons] ?? icons.running}
              <span className="font-medium">{name}</span>
              <span className="ml-auto text-xs tabular-nums text-zinc-500">
                {attempts.length > 1 && `${attempts.length} attempts · `}
                {duration(attempts[0]!.startedAt, last.finishedAt)}
              </span>
            </div>
            {attempts.length > 1 || last.error ? (
              <ol className="mt-1.5 ml-5 flex flex-col gap-1 border-l border-zinc-200 pl-3">
                {attempts.map((a, i) => (
                  <li key={a.id} className="text-xs">
                    <span className={cn("font-medium", attemptTone[a.status] ?? "text-zinc-700")}>
                      Attempt {i + 1}: {a.status}
                    </span>{" "}
                    <span className="tabular-nums text-zinc-500">({duration(a.startedAt, a.finishedAt)})</span>
                    {a.error && (
                      <pre className={cn("mt-0.5 whitespace-pre-wrap break-words rounded p-1.5", a.status === "interrupted" ? "bg-amber-50 text-amber-800" : "bg-red-50 text-red-800")}>{a.error}</pre>
                    )}
                  </li>
                ))}
              </ol>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
