import { Badge } from "@/components/ui/badge";

const tones = { succeeded: "green", partial: "amber", failed: "red", cancelled: "neutral", running: "blue", queued: "neutral" } as const;

export function RunStatus({ status }: { status: string }) {
  return (
    <Badge tone={tones[status as keyof typeof tones] ?? "neutral"} data-testid="run-status">
      {status}
    </Badge>
  );
}

export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC" : "—");

export function duration(from: string | null, to: string | null) {
  if (!from) return "—";
  const ms = (to ? Date.parse(to) : Date.now()) - Date.parse(from);
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const triggers: Record<string, string> = { manual: "started by hand", schedule: "on schedule", realtime: "in real time", api: "through the API" };
export const describeTrigger = (trigger: string) => triggers[trigger] ?? trigger;
