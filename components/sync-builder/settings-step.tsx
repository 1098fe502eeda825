"use client";
import { Card } from "@/components/ui/card";
import { Field, inputClass } from "@/components/ui/form";
import type { ConnectorManifest } from "@/connectors/types";
import { consentChannels } from "@/lib/entities/catalog";
import type { ConsentRule } from "@/lib/sync/config";
import { onLeaveChoices, onLeaveLabels, replaceStrategyLabels, runModeChoices, runModes } from "@/lib/vocabulary";
import { AlertsFields } from "./alerts-fields";
import { DeletionLimitFields } from "./deletion-limit-fields";
import { ScheduleFields } from "./schedule-fields";
import type { BuilderChannel, FieldError, Settings } from "./types";

/** Step 5: the sync's name, what leaving the dataset does, consent, mode, schedule, deletion limit and alerts. */
export function SettingsStep({ settings, onChange, manifest, channels, fieldError, createdAt }: {
  settings: Settings;
  createdAt?: string;
  onChange: (patch: Partial<Settings>) => void;
  manifest?: ConnectorManifest;
  channels: BuilderChannel[];
  fieldError: FieldError;
}) {
  return (
    <Card className="grid gap-4 p-4 sm:grid-cols-2">
      <Field label="Name" htmlFor="sync-name" error={fieldError("name")}>
        <input id="sync-name" className={inputClass} value={settings.name} onChange={(e) => onChange({ name: e.target.value })} />
      </Field>
      <Field label="When a record leaves the dataset" htmlFor="on-leave" error={fieldError("onLeave")}>
        <select id="on-leave" className={inputClass} value={settings.onLeave} disabled={manifest && !manifest.onLeaveDelete} onChange={(e) => onChange({ onLeave: e.target.value as Settings["onLeave"] })}>
          {onLeaveChoices.map((c) => (
            <option key={c} value={c}>
              {onLeaveLabels[c]}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Require consent" htmlFor="consent" error={fieldError("consent")} hint="Contacts without it are held back, and removed if they were sent before">
        <select id="consent" className={inputClass} value={settings.consent?.channel ?? ""} onChange={(e) => onChange({ consent: e.target.value ? { channel: e.target.value as ConsentRule["channel"] } : null })}>
          <option value="">No consent required</option>
          {consentChannels.map((c) => (
            <option key={c} value={c}>
              {c} consent granted
            </option>
          ))}
        </select>
      </Field>
      <Field label="Mode" htmlFor="mode" error={fieldError("mode")}>
        <select id="mode" className={inputClass} value={settings.mode} onChange={(e) => onChange({ mode: e.target.value as Settings["mode"], replaceStrategy: e.target.value === "replace" ? (manifest?.replaceStrategies[0] ?? null) : null })}>
          {(manifest?.modes ?? runModes).map((m) => (
            <option key={m} value={m}>
              {runModeChoices[m]}
            </option>
          ))}
        </select>
      </Field>
      {settings.mode === "replace" && (manifest?.replaceStrategies.length ?? 0) > 0 && (
        <Field label="Replace strategy" htmlFor="strategy" error={fieldError("replaceStrategy")}>
          <select id="strategy" className={inputClass} value={settings.replaceStrategy ?? ""} onChange={(e) => onChange({ replaceStrategy: e.target.value as Settings["replaceStrategy"] })}>
            {manifest!.replaceStrategies.map((s) => (
              <option key={s} value={s}>
                {replaceStrategyLabels[s]}
              </option>
            ))}
          </select>
        </Field>
      )}
      <ScheduleFields value={settings.schedule} onChange={(schedule) => onChange({ schedule })} createdAt={createdAt} fieldError={fieldError} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={settings.enabled} onChange={(e) => onChange({ enabled: e.target.checked })} /> Active
      </label>
      <DeletionLimitFields value={settings.deletionLimit} onChange={(deletionLimit) => onChange({ deletionLimit })} error={fieldError} />
      <AlertsFields value={settings.alerts} channels={channels} onChange={(alerts) => onChange({ alerts })} error={fieldError} />
    </Card>
  );
}
