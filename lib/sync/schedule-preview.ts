/** What a schedule will do, in words and its next run times: the builder shows it as you type. Client-safe. */
import { Cron } from "croner";
import { describeSchedule, nextDueTime, scheduleSchema } from "./schedule";

export type SchedulePreview =
  | { ok: true; sentence: string; next: Date[]; zone: string }
  | { ok: false; problems: Record<string, string> };

const RUNS = 3;

/** A run time as the reader of that time zone sees it: "Sun, 29 Mar 2026, 06:00 CEST". */
export const formatRunTime = (at: Date, zone: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" }).format(at);

/**
 * Checks a schedule with the same schema the server uses and says what it will do: the next runs of an
 * interval (counted from the sync's creation, or from now for a sync not saved yet) or of a cron expression
 * in its time zone; `viewerZone` shows interval runs in the reader's own time zone.
 */
export function previewSchedule(input: unknown, p: { now: Date; createdAt?: Date; viewerZone: string }): SchedulePreview {
  const parsed = scheduleSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message]).reverse()) };
  const schedule = parsed.data;
  if (schedule.type === "cron") {
    const zone = schedule.timezone ?? "UTC";
    return { ok: true, sentence: describeSchedule(schedule), next: new Cron(schedule.cron, { timezone: zone, paused: true }).nextRuns(RUNS, p.now), zone };
  }
  if (schedule.type === "interval") {
    const first = nextDueTime(schedule, p.createdAt ?? p.now, p.now)!;
    const next = Array.from({ length: RUNS }, (_, i) => new Date(first.getTime() + i * schedule.minutes * 60_000));
    return { ok: true, sentence: `${describeSchedule(schedule)}, counted from when it was ${p.createdAt ? "created" : "saved"}`, next, zone: p.viewerZone };
  }
  const sentence =
    schedule.type === "realtime"
      ? "in real time: a run starts a few seconds after rows of the dataset change (changes close together go in one run, at most a minute after the first)"
      : "only when someone starts a run, on its page or through the API";
  return { ok: true, sentence, next: [], zone: p.viewerZone };
}
