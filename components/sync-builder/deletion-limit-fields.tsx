"use client";
import { inputClass } from "@/components/ui/form";
import { defaultDeletionLimit, type DeletionLimit } from "@/lib/sync/deletion-limit";
import { cn } from "@/lib/utils";

/** The deletion guard of a sync: a run that would delete more than this waits for someone to confirm it. */
export function DeletionLimitFields({ value, onChange, error }: { value: DeletionLimit; onChange: (v: DeletionLimit) => void; error: (path: string) => string | undefined }) {
  const number = (text: string) => (text === "" ? null : Number(text));
  return (
    <fieldset className="col-span-full flex flex-col gap-3 rounded-md border border-zinc-200 p-3">
      <legend className="px-1 text-sm font-medium">Deletion limit</legend>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={value !== null} onChange={(e) => onChange(e.target.checked ? defaultDeletionLimit() : null)} /> Hold a run for confirmation when it would delete more than
        </label>
        <input aria-label="Deletion limit, percent" type="number" min={0} max={100} step="any" disabled={!value} className={cn(inputClass, "w-20")} value={value?.percent ?? ""} onChange={(e) => onChange({ percent: number(e.target.value), count: value?.count ?? null })} />
        % of the records the sync holds or more than
        <input aria-label="Deletion limit, count" type="number" min={0} disabled={!value} className={cn(inputClass, "w-24")} value={value?.count ?? ""} onChange={(e) => onChange({ percent: value?.percent ?? null, count: number(e.target.value) })} />
        records
      </div>
      <p className="text-xs text-zinc-500">
        {value ? "A held run delivers nothing until an editor confirms it (Confirm and deliver) or discards it." : "Off: every run deletes whatever it plans to."}
      </p>
      {["deletionLimit", "deletionLimit.percent", "deletionLimit.count"].map((p) => error(p) && <p key={p} className="text-xs text-red-600">{error(p)}</p>)}
    </fieldset>
  );
}
