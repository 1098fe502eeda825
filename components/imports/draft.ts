/** The import form's state: empty for a new import or drawn from a saved one, and what it sends to save. Client-safe. */
import { z } from "zod";
import { canvasDraftSchema, readJson } from "@/components/drafts/local-draft";
import type { CanvasState } from "@/components/mapping-canvas/model";
import { entityNames, type EntityName } from "@/lib/entities/catalog";
import { type ImportChanges, importChangesSchema, importColumnSchema, type ImportInput, type ImportRead, importReadSchema } from "@/lib/sources/schema";
import { type Schedule, scheduleSchema } from "@/lib/sync/schedule";
import { importMissingChoices, type ImportMissing, isOneOf } from "@/lib/vocabulary";
import { canvasToImport, importToCanvas } from "./mapping";

export type ImportDraft = {
  name: string;
  sourceId?: string;
  read: ImportRead;
  entity: EntityName;
  canvas: CanvasState;
  /** Undefined until chosen: a cursor on the source's `updated_at`-like column when it has one, else a full comparison. */
  changes?: ImportChanges;
  onMissing: ImportMissing;
  schedule: Schedule;
  enabled: boolean;
  channelIds: string[];
};

/** Drafts are per import ("new" for one not saved yet) and per format, so an older app's draft is never misread. */
export const importDraftKey = (importId?: string) => `relay:import-draft:v1:${importId ?? "new"}`;

// A draft may hold a read or settings still being filled in: their shape is checked here, their values when saved.
const importDraftSchema = z.object({
  name: z.string(),
  sourceId: z.string().optional(),
  read: z.looseObject({ type: z.enum(["table", "query", "files"]) }),
  entity: z.enum(entityNames),
  canvas: canvasDraftSchema,
  changes: z.looseObject({ type: z.enum(["cursor", "full"]) }).optional(),
  onMissing: z.enum(importMissingChoices),
  schedule: z.looseObject({ type: z.string() }),
  enabled: z.boolean(),
  channelIds: z.array(z.string()),
});

/** The kept draft, or nothing when the text does not read as one (a draft of another version, a broken write). */
export function parseImportDraft(text: string): ImportDraft | undefined {
  const parsed = importDraftSchema.safeParse(readJson(text));
  return parsed.success ? (parsed.data as ImportDraft) : undefined;
}

/** What a saved import's page starts from (`entity` and the JSON columns as stored). */
export type SavedImport = {
  name: string;
  sourceId: string;
  read: unknown;
  entity: EntityName;
  mapping: unknown;
  keyColumn: string;
  changes: unknown;
  onMissing: string;
  schedule: unknown;
  enabled: boolean;
  alerts: unknown;
};

export const newImportDraft = (sourceId?: string): ImportDraft => ({
  name: "",
  sourceId,
  read: { type: "table", table: "" },
  entity: "contacts",
  canvas: { links: [], constants: [], matchTo: null },
  onMissing: "nothing",
  schedule: { type: "manual" },
  enabled: true,
  channelIds: [],
});

/** A saved import as the form edits it; a stored value that no longer reads is replaced by the form's default. */
export function savedImportDraft(i: SavedImport): ImportDraft {
  const read = importReadSchema.safeParse(i.read);
  const mapping = importColumnSchema.array().safeParse(i.mapping);
  const changes = importChangesSchema.safeParse(i.changes);
  const schedule = scheduleSchema.safeParse(i.schedule);
  const alerts = (i.alerts ?? {}) as { channelIds?: unknown };
  return {
    name: i.name,
    sourceId: i.sourceId,
    read: read.success ? read.data : { type: "table", table: "" },
    entity: i.entity,
    canvas: importToCanvas({ entity: i.entity, mapping: mapping.success ? mapping.data : [], keyColumn: i.keyColumn }),
    changes: changes.success ? changes.data : undefined,
    onMissing: isOneOf(importMissingChoices, i.onMissing) ? i.onMissing : "nothing",
    schedule: schedule.success ? schedule.data : { type: "manual" },
    enabled: i.enabled,
    channelIds: Array.isArray(alerts.channelIds) ? alerts.channelIds.filter((c): c is string => typeof c === "string") : [],
  };
}

/**
 * How changes are found when the user has not chosen: the suggested cursor column, else a full comparison. Files are
 * imported whole, each new or changed one once: always "full".
 */
export const changesOf = (draft: ImportDraft, suggestedCursor?: string): ImportChanges =>
  draft.read.type === "files" ? { type: "full" } : (draft.changes ?? (suggestedCursor ? { type: "cursor", column: suggestedCursor } : { type: "full" }));

/** The import as the server checks it (ImportInput); the server says what does not fit. */
export function draftInput(draft: ImportDraft, suggestedCursor?: string): ImportInput {
  const { mapping, keyColumn } = canvasToImport(draft.canvas, draft.entity);
  return {
    name: draft.name,
    sourceId: draft.sourceId ?? "",
    read: draft.read,
    entity: draft.entity,
    mapping,
    keyColumn: keyColumn ?? "",
    changes: changesOf(draft, suggestedCursor),
    // Rows that disappeared do not apply to files: a file only adds and updates rows.
    onMissing: draft.read.type === "files" ? "nothing" : draft.onMissing,
    schedule: draft.schedule,
    enabled: draft.enabled,
    alerts: { channelIds: draft.channelIds },
  };
}
