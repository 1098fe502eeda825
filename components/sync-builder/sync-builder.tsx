"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { RowsTable } from "@/components/datasets/rows-table";
import { MappingCanvas } from "@/components/mapping-canvas/mapping-canvas";
import { type CanvasState, canvasToSync } from "@/components/mapping-canvas/model";
import { SegmentBuilder, useSegmentPreview } from "@/components/segment-builder/segment-builder";
import { toStoredFilter } from "@/components/segment-builder/model";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, FormError, inputClass } from "@/components/ui/form";
import { manifests } from "@/connectors/manifests";
import type { DestinationField } from "@/connectors/types";
import { loadFields, loadObjects } from "@/lib/actions/connections/load-destination";
import { saveSync } from "@/lib/actions/syncs/save-sync";
import type { DatasetColumn } from "@/lib/datasets/definition";
import { emptyFilter, type FilterGroup } from "@/lib/segment/schema";
import { consentChannels } from "@/lib/entities/catalog";
import type { ConsentRule } from "@/lib/sync/config";
import type { Schedule } from "@/lib/sync/schedule";
import { type ChannelKind, kindLabels } from "@/lib/notify/channels";
import type { AlertRules } from "@/lib/notify/rules";
import { cn, formatNumber } from "@/lib/utils";
import { must, problemText } from "./action-result";
import { TryOut } from "./try-out";

export type BuilderDataset = { id: string; name: string; columns: DatasetColumn[] };
export type BuilderConnection = { id: string; name: string; connector: string };
export type BuilderChannel = { id: string; name: string; kind: ChannelKind };
export type Settings = {
  name: string;
  onLeave: "nothing" | "delete";
  mode: "incremental" | "full" | "replace";
  replaceStrategy: "sole_admin" | "shared_table" | null;
  schedule: Schedule;
  enabled: boolean;
  alerts: AlertRules;
  consent: ConsentRule | null;
};
export type BuilderInitial = { id?: string; datasetId?: string; filter: FilterGroup; connectionId?: string; object?: string; canvas: CanvasState; settings: Settings };

const STEPS = ["Dataset", "Segment", "Destination", "Mapping", "Settings", "Test and save"] as const;

/** The step where the field behind an error path is edited, so a refused save can point there. */
function stepOf(path: string): number {
  const root = path.split(".")[0]!;
  if (root === "datasetId") return 0;
  if (root === "filter") return 1;
  if (root === "connectionId" || root === "object") return 2;
  if (root === "mapping" || root === "matchKey") return 3;
  return root === "" ? 5 : 4;
}

export function SyncBuilder({ datasets, connections, channels, initial, canSave }: { datasets: BuilderDataset[]; connections: BuilderConnection[]; channels: BuilderChannel[]; initial: BuilderInitial; canSave: boolean }) {
  const router = useRouter();
  const [step, setStep] = useState(initial.id ? 3 : 0);
  const [datasetId, setDatasetId] = useState(initial.datasetId);
  const [filter, setFilter] = useState(initial.filter);
  const [connectionId, setConnectionId] = useState(initial.connectionId);
  const [object, setObject] = useState(initial.object);
  const [canvas, setCanvas] = useState(initial.canvas);
  const [settings, setSettings] = useState(initial.settings);
  const [problems, setProblems] = useState<{ text: string; fields: Record<string, string[]> }>();
  const fieldError = (path: string) => problems?.fields[path]?.join("; ");
  const stepsWithErrors = new Set(Object.keys(problems?.fields ?? {}).map(stepOf));
  const [pending, startTransition] = useTransition();

  const dataset = datasets.find((d) => d.id === datasetId);
  const connection = connections.find((c) => c.id === connectionId);
  const manifest = connection ? manifests[connection.connector] : undefined;
  const objects = useQuery({ queryKey: ["objects", connectionId], enabled: Boolean(connectionId), queryFn: async () => must(await loadObjects({ connectionId: connectionId! })) });
  const fields = useQuery({ queryKey: ["fields", connectionId, object], enabled: Boolean(connectionId && object), queryFn: async () => must(await loadFields({ connectionId: connectionId!, object: object! })) });
  const sample = useSegmentPreview(datasetId, filter);

  const { mapping, matchKey } = canvasToSync(canvas);
  const input = { ...settings, datasetId, filter: toStoredFilter(filter), connectionId, object, mapping, matchKey, replaceStrategy: settings.mode === "replace" ? settings.replaceStrategy : null };
  const requiredMissing = (fields.data ?? []).filter((f: DestinationField) => f.required && !canvas.links.some((l) => l.target === `dest:${f.name}`));
  const ready = [Boolean(dataset), true, Boolean(connection && object), Boolean(matchKey) && requiredMissing.length === 0, Boolean(settings.name.trim()), true];
  const set = (patch: Partial<Settings>) => setSettings({ ...settings, ...patch });

  const save = () =>
    startTransition(async () => {
      const result = await saveSync({ id: initial.id, input });
      if (result.ok) {
        router.push(`/syncs/${result.data.id}`);
        router.refresh();
      } else setProblems({ text: problemText(result), fields: result.fieldErrors ?? {} });
    });
  const firstKey = String(sample.data?.rows[0]?.[matchKey?.from ?? "id"] ?? "");

  return (
    <div className="flex flex-col gap-6">
      <ol className="flex flex-wrap gap-1" aria-label="Steps">
        {STEPS.map((name, i) => (
          <li key={name}>
            <button
              type="button"
              disabled={i > 0 && !ready.slice(0, i).every(Boolean)}
              aria-current={step === i ? "step" : undefined}
              onClick={() => setStep(i)}
              className={cn("rounded-full px-3 py-1 text-sm text-zinc-600 disabled:opacity-40", step === i ? "bg-zinc-900 text-white" : "hover:bg-zinc-100")}
            >
              {i + 1}. {name}
              {stepsWithErrors.has(i) && i !== 5 && (
                <span className="ml-1.5 inline-block size-2 rounded-full bg-red-500" role="img" aria-label="has problems" />
              )}
            </button>
          </li>
        ))}
      </ol>

      {step === 0 && (
        <Card className="p-4">
          <Field label="Dataset" htmlFor="dataset" hint="The rows the sync sends." error={fieldError("datasetId")}>
            <select id="dataset" className={cn(inputClass, "max-w-md")} value={datasetId ?? ""} onChange={(e) => (setDatasetId(e.target.value || undefined), setFilter(emptyFilter()))}>
              <option value="">Pick a dataset</option>
              {datasets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </Field>
          <p className="mt-2 text-sm text-zinc-500">
            Not there? <Link href="/datasets/new" className="underline">Create a dataset</Link>.
          </p>
          {sample.data && dataset && (
            <>
              <p className="mt-3 text-sm">
                {formatNumber(sample.data.count)} rows; columns {dataset.columns.map((c) => c.name).join(", ")}.
              </p>
              <div className="mt-3 rounded-md border border-zinc-200">
                <RowsTable columns={dataset.columns} rows={sample.data.rows} label="Dataset preview" />
              </div>
            </>
          )}
        </Card>
      )}
      {step === 1 && dataset && <SegmentBuilder datasetId={dataset.id} columns={dataset.columns} value={filter} onChange={setFilter} canSave={canSave} />}
      {step === 2 && (
        <Card className="grid gap-4 p-4 sm:grid-cols-2">
          <Field label="Connection" htmlFor="connection" error={fieldError("connectionId")}>
            <select id="connection" className={inputClass} value={connectionId ?? ""} onChange={(e) => (setConnectionId(e.target.value || undefined), setObject(undefined))}>
              <option value="">Pick a connection</option>
              {connections.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({manifests[c.connector]?.name ?? c.connector})
                </option>
              ))}
            </select>
          </Field>
          <Field label={manifest ? `Destination ${manifest.objectNoun}` : "Destination object"} htmlFor="object" error={objects.error ? (objects.error as Error).message : fieldError("object")}>
            <select id="object" className={inputClass} value={object ?? ""} disabled={!objects.data} onChange={(e) => setObject(e.target.value || undefined)}>
              <option value="">{objects.isLoading ? "Loading…" : "Pick one"}</option>
              {objects.data?.map((o) => (
                <option key={o.name} value={o.name}>
                  {o.label}
                </option>
              ))}
            </select>
          </Field>
          {connections.length === 0 && (
            <p className="text-sm text-zinc-500">
              No connection yet: <Link href="/connections/new" className="underline">add one</Link>.
            </p>
          )}
        </Card>
      )}
      {step === 3 && dataset && (fields.data ? <MappingCanvas columns={dataset.columns} fields={fields.data} freeFields={objects.data?.find((o) => o.name === object)?.freeFields} state={canvas} onChange={setCanvas} sampleRow={sample.data?.rows[0]} /> : <p className="text-sm text-zinc-500">{fields.error ? (fields.error as Error).message : "Loading the destination's fields…"}</p>)}
      {step === 4 && (
        <Card className="grid gap-4 p-4 sm:grid-cols-2">
          <Field label="Name" htmlFor="sync-name" error={fieldError("name")}>
            <input id="sync-name" className={inputClass} value={settings.name} onChange={(e) => set({ name: e.target.value })} />
          </Field>
          <Field label="When a record leaves the dataset" htmlFor="on-leave" error={fieldError("onLeave")}>
            <select id="on-leave" className={inputClass} value={settings.onLeave} disabled={manifest && !manifest.onLeaveDelete} onChange={(e) => set({ onLeave: e.target.value as Settings["onLeave"] })}>
              <option value="nothing">Do nothing</option>
              <option value="delete">Delete it from the destination</option>
            </select>
          </Field>
          <Field label="Require consent" htmlFor="consent" error={fieldError("consent")} hint="Contacts without it are held back, and removed if they were sent before">
            <select id="consent" className={inputClass} value={settings.consent?.channel ?? ""} onChange={(e) => set({ consent: e.target.value ? { channel: e.target.value as ConsentRule["channel"] } : null })}>
              <option value="">No consent required</option>
              {consentChannels.map((c) => (
                <option key={c} value={c}>
                  {c} consent granted
                </option>
              ))}
            </select>
          </Field>
          <Field label="Mode" htmlFor="mode" error={fieldError("mode")}>
            <select id="mode" className={inputClass} value={settings.mode} onChange={(e) => set({ mode: e.target.value as Settings["mode"], replaceStrategy: e.target.value === "replace" ? (manifest?.replaceStrategies[0] ?? null) : null })}>
              {(manifest?.modes ?? ["incremental", "full", "replace"]).map((m) => (
                <option key={m} value={m}>
                  {m === "incremental" ? "Incremental (only what changed)" : m === "full" ? "Full resend" : "Replace (make the destination equal)"}
                </option>
              ))}
            </select>
          </Field>
          {settings.mode === "replace" && (manifest?.replaceStrategies.length ?? 0) > 0 && (
            <Field label="Replace strategy" htmlFor="strategy" error={fieldError("replaceStrategy")}>
              <select id="strategy" className={inputClass} value={settings.replaceStrategy ?? ""} onChange={(e) => set({ replaceStrategy: e.target.value as Settings["replaceStrategy"] })}>
                {manifest!.replaceStrategies.map((s) => (
                  <option key={s} value={s}>
                    {s === "sole_admin" ? "Sole admin: the table holds exactly the dataset" : "Shared table: empty the mapped columns of rows that left"}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label="Schedule" htmlFor="schedule" error={fieldError("schedule")}>
            <select id="schedule" className={inputClass} value={settings.schedule.type} onChange={(e) => set({ schedule: e.target.value === "interval" ? { type: "interval", minutes: 60 } : e.target.value === "cron" ? { type: "cron", cron: "0 6 * * *", timezone: "UTC" } : { type: e.target.value as "manual" | "realtime" } })}>
              <option value="manual">Manual only</option>
              <option value="interval">Every N minutes</option>
              <option value="cron">Cron expression</option>
              <option value="realtime">Real time (when rows change)</option>
            </select>
          </Field>
          {settings.schedule.type === "interval" && (
            <Field label="Every (minutes)" htmlFor="minutes" error={fieldError("schedule.minutes")}>
              <input id="minutes" type="number" min={1} className={inputClass} value={settings.schedule.minutes} onChange={(e) => set({ schedule: { type: "interval", minutes: Number(e.target.value) } })} />
            </Field>
          )}
          {settings.schedule.type === "cron" && (
            <>
              <Field label="Cron" htmlFor="cron" hint="minute hour day month weekday" error={fieldError("schedule.cron")}>
                <input id="cron" className={inputClass} value={settings.schedule.cron} onChange={(e) => set({ schedule: { ...(settings.schedule as { type: "cron"; cron: string; timezone?: string }), cron: e.target.value } })} />
              </Field>
              <Field label="Time zone" htmlFor="timezone" error={fieldError("schedule.timezone")}>
                <input id="timezone" className={inputClass} value={settings.schedule.timezone ?? ""} onChange={(e) => set({ schedule: { ...(settings.schedule as { type: "cron"; cron: string }), timezone: e.target.value || undefined } })} />
              </Field>
            </>
          )}
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={settings.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> Active
          </label>
          <AlertsFields value={settings.alerts} channels={channels} onChange={(alerts) => set({ alerts })} error={fieldError} />
        </Card>
      )}
      {step === 5 && (
        <Card>
          <CardHeader title="Before saving" />
          <div className="flex flex-col gap-4 p-4">
            {canSave ? (
              <TryOut syncId={initial.id} input={input} mode={settings.mode} keyColumn={matchKey?.from} firstKey={firstKey} pending={pending} run={startTransition} />
            ) : (
              <p className="text-sm text-zinc-500">Your role can look at this sync but not change, try or save it.</p>
            )}
            {problems && (
              <FormError message="The sync does not fit yet (the steps marked in red show where):">
                <pre className="mt-1 text-xs whitespace-pre-wrap">{problems.text}</pre>
              </FormError>
            )}
            <div>
              <Button disabled={pending || !canSave || !ready.every(Boolean)} onClick={save}>
                {initial.id ? "Save changes" : "Add sync"}
              </Button>
            </div>
          </div>
        </Card>
      )}
      {step < 5 && (
        <div>
          <Button disabled={!ready[step]} onClick={() => setStep(step + 1)}>
            Continue
          </Button>
        </div>
      )}
    </div>
  );
}

/** Who hears about this sync's failures, and when: notices go out on the first violation and on recovery. */
function AlertsFields({ value, channels, onChange, error }: { value: AlertRules; channels: BuilderChannel[]; onChange: (v: AlertRules) => void; error: (path: string) => string | undefined }) {
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
