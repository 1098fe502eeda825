import { Badge } from "@/components/ui/badge";
import { isOneOf, runStatusLabels, runTriggerLabels, runTriggers, type ShownRunStatus, shownRunStatuses } from "@/lib/vocabulary";

const tones: Record<ShownRunStatus, "green" | "amber" | "red" | "neutral" | "blue"> = { succeeded: "green", partial: "amber", failed: "red", cancelled: "neutral", running: "blue", cancelling: "amber", queued: "neutral", held: "amber" };

export function RunStatus({ status }: { status: string }) {
  return (
    <Badge tone={isOneOf(shownRunStatuses, status) ? tones[status] : "neutral"} data-testid="run-status">
      {isOneOf(shownRunStatuses, status) ? runStatusLabels[status] : status}
    </Badge>
  );
}

export function duration(from: string | null, to: string | null) {
  if (!from) return "—";
  const ms = (to ? Date.parse(to) : Date.now()) - Date.parse(from);
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export const describeTrigger = (trigger: string) => (isOneOf(runTriggers, trigger) ? runTriggerLabels[trigger] : trigger);
