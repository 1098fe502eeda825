"use client";
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { DraftNotice } from "@/components/drafts/draft-notice";
import { sameJson } from "@/components/drafts/local-draft";
import { useLocalDraft } from "@/components/drafts/use-local-draft";
import { MappingCanvas } from "@/components/mapping-canvas/mapping-canvas";
import { columnNode, connect, disconnect, fieldNode } from "@/components/mapping-canvas/model";
import { type ActionFailure, noProblems, problemsOf, problemText, unwrap } from "@/components/ui/action-result";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, FormError, inputClass } from "@/components/ui/form";
import type { BuilderChannel } from "@/components/sync-builder/types";
import { previewImportRows } from "@/lib/actions/imports/preview";
import { saveImport } from "@/lib/actions/imports/save-import";
import { entities, entityNames, type EntityName } from "@/lib/entities/catalog";
import type { ImportRead, Preview } from "@/lib/sources/schema";
import { changesOf, draftInput, type ImportDraft, importDraftKey, parseImportDraft } from "./draft";
import { canvasColumns, canvasToImport, entityTargets, tidyCanvas } from "./mapping";
import { PreviewTable } from "./preview-table";
import { type ImportSource, ReadFields } from "./read-fields";
import { SettingsFields } from "./settings-fields";

const PREVIEW_ROWS = 20;
const LEAVE = "This import has unsaved changes. Leave anyway? They stay as a draft in this browser.";

/**
 * An import, new or saved: where it reads, the entity it fills, its mapping on the sync builder's canvas, its key,
 * how changes are found, its schedule; a preview of the first rows as they will land. A refused save keeps
 * everything typed and shows each problem under its field; unsaved work stays as a draft in this browser.
 */
export function ImportForm({ importId, initial, createdAt, sources, channels, canSave }: {
  importId?: string;
  initial: ImportDraft;
  createdAt?: string;
  sources: ImportSource[];
  channels: BuilderChannel[];
  canSave: boolean;
}) {
  const router = useRouter();
  const kept = useLocalDraft({ key: importDraftKey(importId), saved: initial, keep: canSave, parse: parseImportDraft, leave: LEAVE });
  const { draft } = kept;
  // The columns come from the source itself: read when asked ("Read columns"), and on opening a saved import.
  const [reading, setReading] = useState<{ sourceId?: string; read: ImportRead } | undefined>(importId && canSave ? { sourceId: initial.sourceId, read: initial.read } : undefined);
  const source = useQuery({
    queryKey: ["import-columns", reading],
    enabled: Boolean(reading),
    retry: false,
    queryFn: async () => unwrap(await previewImportRows({ input: { ...reading, entity: initial.entity, limit: 1 } })),
  });
  // Columns read for another read than the form's (a draft restored over the saved import) are not shown.
  const columns = reading && sameJson(reading, { sourceId: draft.sourceId, read: draft.read }) ? source.data : undefined;
  const [preview, setPreview] = useState<Preview>();
  const [previewError, setPreviewError] = useState<string>();
  const [refusal, setRefusal] = useState<ActionFailure>();
  const problems = refusal ? problemsOf(refusal) : noProblems;
  const [saved, setSaved] = useState(false);
  const [pending, startTransition] = useTransition();
  const change = (patch: Partial<ImportDraft>) => (kept.change(patch), setSaved(false));
  const fieldError = (path: string) => problems.fields[path]?.join("; ");

  const { mapping, keyColumn } = canvasToImport(draft.canvas, draft.entity);
  const changes = changesOf(draft, columns?.suggestedCursor);
  // A new read (another source, table or query) forgets the columns and rows of the last one until asked again.
  const changeRead = (patch: Pick<ImportDraft, "sourceId"> | Pick<ImportDraft, "read">) => (change(patch), setReading(undefined), setPreview(undefined));
  const showPreview = () =>
    startTransition(async () => {
      const result = await previewImportRows({ input: { sourceId: draft.sourceId, read: draft.read, entity: draft.entity, mapping, keyColumn, limit: PREVIEW_ROWS } });
      setPreview(result.ok ? result.data : undefined);
      setPreviewError(result.ok ? undefined : result.error);
    });

  const save = () =>
    startTransition(async () => {
      const result = await saveImport({ id: importId, input: draftInput(draft, columns?.suggestedCursor) });
      setRefusal(result.ok ? undefined : result);
      if (!result.ok) return;
      kept.markSaved();
      if (!importId) return router.push(`/sources/${result.data.id}`);
      setSaved(true);
      router.refresh();
    });

  const setKeyColumn = (column?: string) => change({ canvas: tidyCanvas(column ? connect(draft.canvas, columnNode(column), fieldNode("id")) : disconnect(draft.canvas, fieldNode("id")), draft.entity) });
  const mappingProblems = Object.entries(problems.fields).filter(([path]) => path === "mapping" || path.startsWith("mapping."));
  const disabled = !canSave || pending;

  return (
    <div className="flex flex-col gap-6">
      {kept.restored && <DraftNotice onDiscard={kept.discard} />}
      <Card>
        <CardHeader title="1. Read" />
        <div className="p-4">
          <ReadFields
            sources={sources}
            sourceId={draft.sourceId}
            onSource={(sourceId) => changeRead({ sourceId })}
            read={draft.read}
            onRead={(read) => changeRead({ read })}
            onReadColumns={() => setReading({ sourceId: draft.sourceId, read: draft.read })}
            reading={source.isFetching}
            disabled={!canSave}
            fieldError={fieldError}
          />
          <FormError className="mt-3" message={reading ? source.error?.message : undefined} />
          {columns && (
            <p className="mt-3 text-sm text-zinc-600" data-testid="source-columns">
              Columns: {columns.columns.map((c) => `${c.name} (${c.type})`).join(", ")}.
            </p>
          )}
        </div>
      </Card>

      <Card>
        <CardHeader title="2. Into" />
        <div className="flex flex-col gap-4 p-4">
          <Field label="Entity" htmlFor="entity" className="max-w-xs" error={fieldError("entity")}>
            <select id="entity" className={inputClass} value={draft.entity} disabled={!canSave} onChange={(e) => change({ entity: e.target.value as EntityName, canvas: tidyCanvas(draft.canvas, e.target.value as EntityName) })}>
              {entityNames.map((name) => (
                <option key={name} value={name}>
                  {entities[name].label}
                </option>
              ))}
            </select>
          </Field>
          {columns ? (
            <>
              <p className="text-sm text-zinc-600">
                Link each source column to the field it fills; the key column fills <code>id</code>. Columns {entities[draft.entity].label.toLowerCase()} have no field for are listed on the right
                under their own name (json): link one to keep it as a trait. Unlinked columns are not imported.
              </p>
              <MappingCanvas columns={canvasColumns(columns.columns)} fields={entityTargets(draft.entity, columns.columns)} state={draft.canvas} onChange={(canvas) => canSave && change({ canvas: tidyCanvas(canvas, draft.entity) })} columnsOnly />
            </>
          ) : (
            <MappingSummary mapping={mapping} keyColumn={keyColumn} canRead={canSave} />
          )}
          {mappingProblems.length > 0 && (
            <ul role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
              {mappingProblems.map(([path, messages]) => (
                <li key={path}>{messages.join("; ")}</li>
              ))}
            </ul>
          )}
        </div>
      </Card>

      <Card>
        <CardHeader title="3. Settings" />
        <div className="p-4">
          <SettingsFields
            draft={draft}
            onChange={change}
            columns={columns?.columns ?? []}
            keyColumn={keyColumn}
            onKeyColumn={setKeyColumn}
            changes={changes}
            suggestedCursor={columns?.suggestedCursor}
            channels={channels}
            createdAt={createdAt}
            disabled={!canSave}
            fieldError={fieldError}
          />
        </div>
      </Card>

      <Card>
        <CardHeader title="4. Preview and save" />
        <div className="flex flex-col gap-4 p-4">
          {canSave ? (
            <div>
              <Button variant="secondary" disabled={disabled || !columns || !keyColumn} onClick={showPreview}>
                Preview
              </Button>
              {!keyColumn && columns && <span className="ml-3 text-sm text-zinc-500">Pick the key column to preview the rows.</span>}
            </div>
          ) : (
            <p className="text-sm text-zinc-500">Your role can look at this import but not change, preview or save it.</p>
          )}
          <FormError message={previewError} />
          {preview && <PreviewTable preview={preview} entity={draft.entity} />}
          {refusal?.fieldErrors ? (
            <FormError message="The import does not fit yet (each problem is also shown where it is edited):">
              <pre className="mt-1 text-xs whitespace-pre-wrap">{problemText(refusal)}</pre>
            </FormError>
          ) : (
            <FormError message={refusal?.error} />
          )}
          <div className="flex items-center gap-3">
            <Button disabled={disabled} onClick={save}>
              {importId ? "Save changes" : "Add import"}
            </Button>
            {saved && !pending && (
              <p role="status" className="text-sm text-emerald-700">
                Saved.
              </p>
            )}
          </div>
        </div>
      </Card>
    </div>
  );
}

/** The mapping as saved, while the source's columns are not read (or cannot be, for a role that does not build imports). */
function MappingSummary({ mapping, keyColumn, canRead }: { mapping: { column: string; field: string }[]; keyColumn?: string; canRead: boolean }) {
  if (!keyColumn && mapping.length === 0) return <p className="text-sm text-zinc-500">{canRead ? "Read the source's columns (above) to map them." : "Nothing is mapped yet."}</p>;
  return (
    <ul className="flex flex-col gap-0.5 text-sm" aria-label="Mapping">
      {keyColumn && (
        <li>
          <code>{keyColumn}</code> → <code>id</code> (key)
        </li>
      )}
      {mapping.map((m) => (
        <li key={m.column}>
          <code>{m.column}</code> → {m.field === "traits" ? "trait" : <code>{m.field}</code>}
        </li>
      ))}
    </ul>
  );
}
