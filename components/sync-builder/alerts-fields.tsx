"use client";
import Link from "next/link";
import { inputClass } from "@/components/ui/form";
import { kindLabels } from "@/lib/notify/channels";
import type { AlertRules } from "@/lib/notify/rules";
import { cn } from "@/lib/utils";
import type { BuilderChannel } from "./types";

/** Who hears about this sync's failures, and when: notices go out on the first violation and on recovery. */
export function AlertsFields({ value, channels, onChange, error }: { value: AlertRules; channels: BuilderChannel[]; onChange: (v: AlertRules) => void; error: (path: string) => string | undefined }) {
  const toggleChannel = (id: string) => onChange({ ...value, channelIds: value.channelIds.includes(id) ? value.channelIds.filter((c) => c !== id) : [...value.channelIds, id] });
  const number = (text: string) => (text === "" ? null : Number(text));
  return (
    <fieldset className="col-span-full flex flex-col gap-3 rounded-md border border-zinc-200 p-3">
      <legend className="px-1 text-sm font-medium">Alerts</legend>
      {channels.length === 0 ? (
        <p className="text-sm text-zinc-500">
          No notification channel yet: an admin adds email, Slack or webhook channels in <Link href="/settings/notifications" className="underline">Settings → Notifications</Link>.
        </p>
      ) : (
        <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm" role="group" aria-label="Notify">
          <span className="text-zinc-500">Notify</span>
          {channels.map((c) => (
            <label key={c.id} className="flex items-center gap-1.5">
              <input type="checkbox" checked={value.channelIds.includes(c.id)} onChange={() => toggleChannel(c.id)} /> {c.name} ({kindLabels[c.kind]})
            </label>
          ))}
        </div>
      )}
      {error("alerts.channelIds") && <p className="text-xs text-red-600">{error("alerts.channelIds")}</p>}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={value.onFailure} onChange={(e) => onChange({ ...value, onFailure: e.target.checked })} /> when a run fails
      </label>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={value.rejected !== null} onChange={(e) => onChange({ ...value, rejected: e.target.checked ? { percent: 10, count: null } : null })} /> when failed records are more than
        </label>
        <input aria-label="Failed records, percent" type="number" min={0} max={100} step="any" disabled={!value.rejected} className={cn(inputClass, "w-20")} value={value.rejected?.percent ?? ""} onChange={(e) => onChange({ ...value, rejected: { percent: number(e.target.value), count: value.rejected?.count ?? null } })} />
        % of a run or more than
        <input aria-label="Failed records, count" type="number" min={0} disabled={!value.rejected} className={cn(inputClass, "w-24")} value={value.rejected?.count ?? ""} onChange={(e) => onChange({ ...value, rejected: { percent: value.rejected?.percent ?? null, count: number(e.target.value) } })} />
        records
      </div>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={value.staleHours !== null} onChange={(e) => onChange({ ...value, staleHours: e.target.checked ? 24 : null })} /> when no run has completed for
        </label>
        <input aria-label="Hours without a completed run" type="number" min={1} disabled={value.staleHours === null} className={cn(inputClass, "w-20")} value={value.staleHours ?? ""} onChange={(e) => onChange({ ...value, staleHours: number(e.target.value) })} />
        hours
      </div>
      {["alerts.rejected.percent", "alerts.rejected.count", "alerts.staleHours"].map((p) => error(p) && <p key={p} className="text-xs text-red-600">{error(p)}</p>)}
    </fieldset>
  );
}
