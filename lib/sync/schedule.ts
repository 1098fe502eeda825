/** When scheduled syncs are due. Pure and client-safe: the builder checks schedules with the same schema. */
import { Cron } from "croner";
import { text } from "@/lib/validation/text";
import { z } from "zod";
import { cronProblem, describeCron } from "./cron";

const validZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const scheduleSchema = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("manual") }),
    z.strictObject({ type: z.literal("interval"), minutes: z.number().int().min(1, "At least every minute").max(43_200, "At most every 30 days") }),
    z.strictObject({ type: z.literal("cron"), cron: text().trim().min(1, "Enter a cron expression, such as \"0 6 * * 1-5\"").max(200, "Keep a cron expression under 200 characters"), timezone: z.string().refine(validZone, "Unknown time zone").optional() }),
    z.strictObject({ type: z.literal("realtime") }),
  ])
  .superRefine((s, ctx) => {
    const problem = s.type === "cron" ? cronProblem(s.cron) : undefined;
    if (problem) ctx.addIssue({ code: "custom", path: ["cron"], message: problem });
  });

export type Schedule = z.infer<typeof scheduleSchema>;

/** How a schedule reads in the app: "every 15 minutes", "every day at 06:00, Europe/Paris". */
export function describeSchedule(schedule: Schedule): string {
  if (schedule.type === "interval") return schedule.minutes === 1 ? "every minute" : `every ${schedule.minutes} minutes`;
  if (schedule.type === "cron") return describeCron(schedule.cron, schedule.timezone);
  return schedule.type === "realtime" ? "in real time" : "manual only";
}

/**
 * The latest due time at or before `now`, or undefined when nothing is due yet: interval schedules count
 * from when the sync was created, cron schedules follow the expression in its time zone (UTC by default).
 */
export function latestDueTime(schedule: Schedule, createdAt: Date, now: Date): Date | undefined {
  if (schedule.type === "interval") {
    const every = schedule.minutes * 60_000;
    const elapsed = now.getTime() - createdAt.getTime();
    if (elapsed < every) return undefined;
    return new Date(createdAt.getTime() + Math.floor(elapsed / every) * every);
  }
  if (schedule.type === "cron") {
    // previousRuns excludes its reference time: look from just after `now` so a due time of exactly now counts.
    const previous = new Cron(schedule.cron, { timezone: schedule.timezone ?? "UTC", paused: true }).previousRuns(1, new Date(now.getTime() + 1))[0];
    return previous && previous >= createdAt ? previous : undefined;
  }
  return undefined;
}

/** The next time a schedule will start a run (for the dashboard). */
export function nextDueTime(schedule: Schedule, createdAt: Date, now: Date): Date | undefined {
  if (schedule.type === "interval") {
    const every = schedule.minutes * 60_000;
    return new Date(createdAt.getTime() + (Math.floor((now.getTime() - createdAt.getTime()) / every) + 1) * every);
  }
  if (schedule.type === "cron") return new Cron(schedule.cron, { timezone: schedule.timezone ?? "UTC", paused: true }).nextRun(now) ?? undefined;
  return undefined;
}
