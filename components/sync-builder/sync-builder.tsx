"use client";
import { useQuery } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, useTransition } from "react";
import { DraftNotice } from "@/components/drafts/draft-notice";
import { useLocalDraft } from "@/components/drafts/use-local-draft";
import { MappingCanvas } from "@/components/mapping-canvas/mapping-canvas";
import { canvasToSync } from "@/components/mapping-canvas/model";
import { SegmentBuilder, useSegmentPreview } from "@/components/segment-builder/segment-builder";
import { problemsByPath, toStoredFilter } from "@/components/segment-builder/model";
import { problemText, unwrap } from "@/components/ui/action-result";
import { Button } from "@/components/ui/button";
import { manifests } from "@/connectors/manifests";
import type { DestinationField } from "@/connectors/types";
import { loadFields, loadObjects } from "@/lib/actions/connections/load-destination";
import { saveSync } from "@/lib/actions/syncs/save-sync";
import { emptyFilter } from "@/lib/segment/schema";
import { scheduleSchema } from "@/lib/sync/schedule";
import { cn } from "@/lib/utils";
import { DatasetStep } from "./dataset-step";
import { DestinationStep } from "./destination-step";
import { draftKey, parseDraft } from "./draft";
import type { SaveOutcome } from "./notices";
import { type PendingDeletions, SaveStep } from "./save-step";
import { SettingsStep } from "./settings-step";
import type { BuilderChannel, BuilderConnection, BuilderDataset, BuilderInitial, Settings } from "./types";

const STEPS = ["Dataset", "Segment", "Destination", "Mapping", "Settings", "Test and save"] as const;
/** Each step has its own address (`?step=mapping`), so browser Back and Reload return to it. */
const STEP_PARAMS = ["dataset", "segment", "destination", "mapping", "settings", "save"] as const;

/** The step where the field behind an error path is edited, so a refused save can point there. */
function stepOf(path: string): number {
  const root = path.split(".")[0]!;
  if (root === "datasetId") return 0;
  if (root === "filter") return 1;
  if (root === "connectionId" || root === "object") return 2;
  if (root === "mapping" || root === "matchKey") return 3;
  return root === "" ? 5 : 4;
}

const LEAVE = "This sync has unsaved changes. Leave anyway? They stay as a draft in this browser.";

export function SyncBuilder({ datasets, connections, channels, initial, canSave }: { datasets: BuilderDataset[]; connections: BuilderConnection[]; channels: BuilderChannel[]; initial: BuilderInitial; canSave: boolean }) {
  const router = useRouter();
  const params = useSearchParams();
  const { id: syncId, ...saved } = initial;
  const kept = useLocalDraft({ key: draftKey(syncId), saved, keep: canSave, parse: parseDraft, leave: LEAVE });
  const { datasetId, filter, connectionId, object, canvas, settings } = kept.draft;
  const change = (patch: Partial<typeof saved>) => (kept.change(patch), setOutcome(undefined));
  const [outcome, setOutcome] = useState<SaveOutcome | undefined>(params.get("saved") ? "saved" : undefined);
  const [problems, setProblems] = useState<{ text: string; fields: Record<string, string[]> }>();
  const [deletions, setDeletions] = useState<PendingDeletions>();
  const fieldError = (path: string) => problems?.fields[path]?.join("; ");
  const [pending, startTransition] = useTransition();

  const dataset = datasets.find((d) => d.id === datasetId);
  // A condition without a value is marked on its row; the sync cannot be saved until it has one.
  const segmentFits = !dataset || problemsByPath(filter, dataset.columns).size === 0;
  // A schedule the server would refuse (a cron minute of 61) is marked on its step and blocks the save, as the segment does.
  const scheduleFits = scheduleSchema.safeParse(settings.schedule).success;
  const stepsWithErrors = new Set([...Object.keys(problems?.fields ?? {}).map(stepOf), ...(segmentFits ? [] : [1]), ...(scheduleFits ? [] : [4])]);
  const connection = connections.find((c) => c.id === connectionId);
  const manifest = connection ? manifests[connection.connector] : undefined;
  const objects = useQuery({ queryKey: ["objects", connectionId], enabled: Boolean(connectionId), queryFn: async () => unwrap(await loadObjects({ connectionId: connectionId! })) });
  const fields = useQuery({ queryKey: ["fields", connectionId, object], enabled: Boolean(connectionId && object), queryFn: async () => unwrap(await loadFields({ connectionId: connectionId!, object: object! })) });
  const sample = useSegmentPreview(datasetId, filter);

  const { mapping, matchKey } = canvasToSync(canvas);
  const input = { ...settings, datasetId, filter: toStoredFilter(filter), connectionId, object, mapping, matchKey, replaceStrategy: settings.mode === "replace" ? settings.replaceStrategy : null };
  const requiredMissing = (fields.data ?? []).filter((f: DestinationField) => f.required && !canvas.links.some((l) => l.target === `dest:${f.name}`));
  const ready = [Boolean(dataset), segmentFits, Boolean(connection && object), Boolean(matchKey) && requiredMissing.length === 0, Boolean(settings.name.trim()) && scheduleFits, true];
  const set = (patch: Partial<Settings>) => change({ settings: { ...settings, ...patch } });
  // A step is shown only once the steps before it are ready: an address ahead of the work opens the first step missing.
  const asked = STEP_PARAMS.indexOf(params.get("step") as (typeof STEP_PARAMS)[number]);
  const blocked = ready.indexOf(false);
  const step = Math.min(asked >= 0 ? asked : syncId ? 3 : 0, blocked >= 0 ? blocked : STEPS.length - 1);
  const setStep = (i: number) => {
    const next = new URLSearchParams(params);
    next.set("step", STEP_PARAMS[i]!);
    next.delete("saved");
    window.history.pushState(null, "", `?${next}`);
  };

  // The server refuses a save whose next run would delete records until that many are confirmed: ask, then save again.
  const save = (confirmedDeletions?: number) =>
    startTransition(async () => {
      const result = await saveSync({ id: syncId, input, confirmedDeletions });
      setDeletions(result.ok ? undefined : result.confirm);
      if (result.ok) {
        kept.markSaved();
        setProblems(undefined);
        setOutcome(result.data.changed ? "saved" : "unchanged");
        if (!syncId) router.push(`/syncs/${result.data.id}?step=save&saved=1`);
        router.refresh();
      } else if (!result.confirm) setProblems({ text: problemText(result), fields: result.fieldErrors ?? {} });
    });
  const firstKey = String(sample.data?.rows[0]?.[matchKey?.from ?? "id"] ?? "");

  return (
    <div className="flex flex-col gap-6">
      {kept.restored && <DraftNotice onDiscard={kept.discard} />}
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

      {step === 0 && <DatasetStep datasets={datasets} datasetId={datasetId} onPick={(id) => change({ datasetId: id, filter: emptyFilter() })} sample={sample.data} fieldError={fieldError} />}
      {step === 1 && dataset && <SegmentBuilder datasetId={dataset.id} columns={dataset.columns} value={filter} onChange={(f) => change({ filter: f })} canSave={canSave} />}
      {step === 2 && <DestinationStep connections={connections} connectionId={connectionId} onConnection={(id) => change({ connectionId: id, object: undefined })} object={object} onObject={(o) => change({ object: o })} objects={objects} fieldError={fieldError} />}
      {step === 3 && dataset && (fields.data ? <MappingCanvas columns={dataset.columns} fields={fields.data} freeFields={objects.data?.find((o) => o.name === object)?.freeFields} state={canvas} onChange={(c) => change({ canvas: c })} sampleRow={sample.data?.rows[0]} /> : <p className="text-sm text-zinc-500">{fields.error ? (fields.error as Error).message : "Loading the destination's fields…"}</p>)}
      {step === 4 && <SettingsStep settings={settings} createdAt={initial.createdAt} onChange={set} manifest={manifest} channels={channels} fieldError={fieldError} />}
      {step === 5 && (
        <SaveStep
          syncId={syncId}
          input={input}
          mode={settings.mode}
          keyColumn={matchKey?.from}
          firstKey={firstKey}
          canSave={canSave}
          ready={ready.every(Boolean)}
          pending={pending}
          run={startTransition}
          problems={problems?.text}
          outcome={outcome}
          deletions={deletions}
          onSave={save}
          onKeep={() => setDeletions(undefined)}
        />
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
