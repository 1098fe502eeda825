"use client";
import Link from "next/link";
import { Field, inputClass } from "@/components/ui/form";
import { ScheduleFields } from "@/components/sync-builder/schedule-fields";
import type { BuilderChannel, FieldError } from "@/components/sync-builder/types";
import { kindLabels } from "@/lib/notify/channels";
import type { ImportChanges, SourceColumn } from "@/lib/sources/schema";
import { importMissingChoices, importMissingLabels, type ImportMissing } from "@/lib/vocabulary";
import type { ImportDraft } from "./draft";

/** The key, how changes are found, what a disappeared row does, the schedule, alerts and the name of an import. */
export function SettingsFields({ draft, onChange, columns, keyColumn, onKeyColumn, changes, suggestedCursor, channels, createdAt, disabled, fieldError }: {
  draft: ImportDraft;
  onChange: (patch: Partial<ImportDraft>) => void;
  columns: SourceColumn[];
  keyColumn?: string;
  onKeyColumn: (column?: string) => void;
  changes: ImportChanges;
  suggestedCursor?: string;
  channels: BuilderChannel[];
  createdAt?: string;
  disabled: boolean;
  fieldError: FieldError;
}) {
  const columnOptions = (placeholder: string) => [
    <option key="" value="">
      {placeholder}
    </option>,
    ...columns.map((c) => (
      <option key={c.name} value={c.name}>
        {c.name} ({c.type})
      </option>
    )),
  ];
  const toggleChannel = (id: string) => onChange({ channelIds: draft.channelIds.includes(id) ? draft.channelIds.filter((c) => c !== id) : [...draft.channelIds, id] });
  return (
    <fieldset className="grid gap-4 sm:grid-cols-2" disabled={disabled}>
      <Field label="Key column" htmlFor="key-column" hint="Its value becomes the entity row's id: a row with the same key is updated" error={fieldError("keyColumn") && (keyColumn ? fieldError("keyColumn") : "Pick the column whose value becomes the id")}>
        <select id="key-column" className={inputClass} value={keyColumn ?? ""} onChange={(e) => onKeyColumn(e.target.value || undefined)}>
          {columnOptions("Pick the key column")}
        </select>
      </Field>
      {draft.read.type === "files" ? (
        <p className="text-sm text-zinc-600 sm:col-span-2">
          Each new or changed file (by name, size and checksum) is imported whole, once, in name order. Rows that disappeared do not apply to files: a file only adds and updates rows.
        </p>
      ) : (
        <>
          <Field label="How changes are found" htmlFor="changes" error={fieldError("changes")} hint={changes.type === "cursor" ? "Each run reads the rows whose cursor moved on since the last run (ties ordered by key)" : "Each run reads every row and writes those that changed: for small tables"}>
            <select id="changes" className={inputClass} value={changes.type} onChange={(e) => onChange({ changes: e.target.value === "cursor" ? { type: "cursor", column: suggestedCursor ?? "" } : { type: "full" } })}>
              <option value="cursor">Cursor column (rows updated since the last run)</option>
              <option value="full">Full comparison (every row, each run)</option>
            </select>
          </Field>
          {changes.type === "cursor" && (
            <Field label="Cursor column" htmlFor="cursor-column" hint={suggestedCursor ? `Suggested: ${suggestedCursor}` : "A column that grows when a row changes, like updated_at"} error={fieldError("changes.column") && (changes.column ? fieldError("changes.column") : "Pick the column that grows when a row changes")}>
              <select id="cursor-column" className={inputClass} value={changes.column} onChange={(e) => onChange({ changes: { type: "cursor", column: e.target.value } })}>
                {columnOptions("Pick the cursor column")}
              </select>
            </Field>
          )}
          <Field label="When a row disappears from the source" htmlFor="on-missing" error={fieldError("onMissing")}>
            <select id="on-missing" className={inputClass} value={draft.onMissing} onChange={(e) => onChange({ onMissing: e.target.value as ImportMissing })}>
              {importMissingChoices.map((c) => (
                <option key={c} value={c}>
                  {importMissingLabels[c]}
                </option>
              ))}
            </select>
          </Field>
        </>
      )}
      <ScheduleFields value={draft.schedule} onChange={(schedule) => onChange({ schedule })} createdAt={createdAt} fieldError={fieldError} realtime={false} />
      <div className="flex flex-col gap-1 sm:col-span-2" role="group" aria-label="Notify when a run fails">
        <span className="text-sm font-medium text-zinc-800">Notify when a run fails</span>
        {channels.length === 0 ? (
          <p className="text-sm text-zinc-500">
            No notification channel yet: an admin adds email, Slack or webhook channels in <Link href="/settings/notifications" className="underline">Settings → Notifications</Link>.
          </p>
        ) : (
          <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
            {channels.map((c) => (
              <label key={c.id} className="flex items-center gap-1.5">
                <input type="checkbox" checked={draft.channelIds.includes(c.id)} onChange={() => toggleChannel(c.id)} /> {c.name} ({kindLabels[c.kind]})
              </label>
            ))}
          </div>
        )}
        {fieldError("alerts.channelIds") && <p className="text-xs text-red-600">{fieldError("alerts.channelIds")}</p>}
      </div>
      <Field label="Name" htmlFor="import-name" error={fieldError("name")}>
        <input id="import-name" className={inputClass} value={draft.name} onChange={(e) => onChange({ name: e.target.value })} />
      </Field>
      <label className="flex items-center gap-2 self-end pb-2 text-sm">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => onChange({ enabled: e.target.checked })} /> Active (runs on its schedule)
      </label>
    </fieldset>
  );
}
