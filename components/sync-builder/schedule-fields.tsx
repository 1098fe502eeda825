"use client";
import { Field, inputClass } from "@/components/ui/form";
import type { Schedule } from "@/lib/sync/schedule";
import { formatRunTime, previewSchedule } from "@/lib/sync/schedule-preview";
import type { FieldError } from "./types";

const zones = ["UTC", ...Intl.supportedValuesOf("timeZone")];

/**
 * The schedule of a sync or an import, checked as you type with the server's rules: what it means and when it runs
 * next. `realtime`: offer runs when rows change (syncs read the entities; an import fills them, so it has no such runs).
 */
export function ScheduleFields({ value, onChange, createdAt, fieldError, realtime = true }: { value: Schedule; onChange: (schedule: Schedule) => void; createdAt?: string; fieldError: FieldError; realtime?: boolean }) {
  const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const preview = previewSchedule(value, { now: new Date(), createdAt: createdAt ? new Date(createdAt) : undefined, viewerZone });
  const problem = (path: string) => (preview.ok ? undefined : preview.problems[path]) ?? fieldError(`schedule.${path}`);
  const pick = (type: string) => onChange(type === "interval" ? { type: "interval", minutes: 60 } : type === "cron" ? { type: "cron", cron: "0 6 * * *", timezone: viewerZone } : { type: type as "manual" | "realtime" });
  return (
    <>
      <Field label="Schedule" htmlFor="schedule" error={fieldError("schedule")}>
        <select id="schedule" className={inputClass} value={value.type} onChange={(e) => pick(e.target.value)}>
          <option value="manual">Manual only</option>
          <option value="interval">Every N minutes</option>
          <option value="cron">Cron expression</option>
          {realtime && <option value="realtime">Real time (when rows change)</option>}
        </select>
      </Field>
      {value.type === "interval" && (
        <Field label="Every (minutes)" htmlFor="minutes" error={problem("minutes")}>
          <input id="minutes" type="number" min={1} className={inputClass} aria-invalid={Boolean(problem("minutes"))} value={value.minutes} onChange={(e) => onChange({ type: "interval", minutes: Number(e.target.value) })} />
        </Field>
      )}
      {value.type === "cron" && (
        <>
          <Field label="Cron" htmlFor="cron" hint="minute hour day-of-month month weekday" error={problem("cron")}>
            <input id="cron" className={`${inputClass} font-mono`} spellCheck={false} aria-invalid={Boolean(problem("cron"))} value={value.cron} onChange={(e) => onChange({ ...value, cron: e.target.value })} />
          </Field>
          <Field label="Time zone" htmlFor="timezone" error={problem("timezone")}>
            <input id="timezone" list="time-zones" className={inputClass} aria-invalid={Boolean(problem("timezone"))} value={value.timezone ?? ""} onChange={(e) => onChange({ ...value, timezone: e.target.value || undefined })} />
            <datalist id="time-zones">
              {zones.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </Field>
        </>
      )}
      <div data-testid="schedule-preview" aria-live="polite" className="rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm text-zinc-700 sm:col-span-2">
        {!preview.ok && <p className="text-zinc-500">Fix the schedule above to see when it runs.</p>}
        {preview.ok && <p>Runs {preview.sentence}.</p>}
        {preview.ok && preview.next.length > 0 && (
          <>
            <p className="mt-1 text-xs text-zinc-500">Next runs ({preview.zone}):</p>
            <ol aria-label="Next runs" className="mt-0.5 list-inside list-decimal tabular-nums">
              {preview.next.map((at) => (
                <li key={at.getTime()}>{formatRunTime(at, preview.zone)}</li>
              ))}
            </ol>
          </>
        )}
      </div>
    </>
  );
}
