/** The shapes of sources and imports, checked with zod at every edge (actions, REST, config import). Client-safe. */
import { z } from "zod";
import { entities, entityNames, type EntityName } from "@/lib/entities/catalog";
import { writableFields } from "@/lib/entities/records";
import { scheduleSchema } from "@/lib/sync/schedule";
import { text } from "@/lib/validation/text";
import { importMissingChoices } from "@/lib/vocabulary";

/** Connectors whose connections can be sources (databases the import reads with its own credentials). */
export const sourceConnectors = ["postgres", "mysql"] as const;
export type SourceConnector = (typeof sourceConnectors)[number];

const columnName = text().trim().min(1, "Name a column").max(128, "Keep column names under 128 characters");

/** What an import reads: a table or view (optionally schema-qualified on PostgreSQL), or one read-only SQL query. */
export const importReadSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("table"), table: columnName, schema: columnName.optional() }),
  z.strictObject({ type: z.literal("query"), sql: text().trim().min(1, "Enter a SELECT query").max(20_000, "Keep the query under 20,000 characters") }),
]);
export type ImportRead = z.infer<typeof importReadSchema>;

/** One source column landing in one entity field; `field: "traits"` keeps it as a trait named after the column. */
export const importColumnSchema = z.strictObject({ column: columnName, field: text().trim().min(1).max(128) });
export type ImportColumn = z.infer<typeof importColumnSchema>;

/** How changes are found: rows after the last cursor value (ties ordered by key), or every row compared each run. */
export const importChangesSchema = z.discriminatedUnion("type", [z.strictObject({ type: z.literal("cursor"), column: columnName }), z.strictObject({ type: z.literal("full") })]);
export type ImportChanges = z.infer<typeof importChangesSchema>;

/** Who hears that a run failed (the workspace's notification channels). */
export const importAlertsSchema = z.strictObject({ channelIds: z.array(z.uuid()).max(20).default([]) });

/** An import's fields, each checked alone (the API's PATCH and the export document build on them). */
export const importFieldsSchema = z.strictObject({
  name: text().trim().min(1, "Name the import").max(200, "Keep the name under 200 characters"),
  sourceId: z.uuid("Pick a source"),
  read: importReadSchema,
  entity: z.enum(entityNames, "Pick the entity the import fills"),
  /** Source columns not listed here are not imported. */
  mapping: z.array(importColumnSchema).min(1, "Map at least one column").max(200),
  /** The source column whose value becomes the entity row's id. */
  keyColumn: columnName,
  changes: importChangesSchema,
  onMissing: z.enum(importMissingChoices).default("nothing"),
  schedule: scheduleSchema.refine((s) => s.type !== "realtime", "Imports run by hand, on an interval or on a cron schedule"),
  enabled: z.boolean().default(true),
  alerts: importAlertsSchema.default({ channelIds: [] }),
});

/** A whole import: its fields, and a mapping that fits its entity. */
export const importInputSchema = importFieldsSchema.superRefine((input, ctx) => {
  for (const problem of mappingProblems(input.entity, input.mapping, input.keyColumn)) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
});

export type ImportInput = z.input<typeof importInputSchema>;
export type ImportConfig = z.output<typeof importInputSchema>;

/** The fields a column may land in: the entity's writable fields other than id (the key fills it), or traits. */
export const mappableFields = (entity: EntityName) => [...writableFields(entity).filter((f) => f.name !== "id").map((f) => f.name), "traits"];

/** What is wrong with a mapping: unknown fields, a field filled twice, a column mapped twice, the key mapped as a field. */
export function mappingProblems(entity: EntityName, mapping: ImportColumn[], keyColumn: string): { path: (string | number)[]; message: string }[] {
  const allowed = new Set(mappableFields(entity));
  const problems: { path: (string | number)[]; message: string }[] = [];
  const fields = new Set<string>();
  const columns = new Set<string>();
  mapping.forEach((m, i) => {
    if (!allowed.has(m.field)) problems.push({ path: ["mapping", i, "field"], message: `${entities[entity].label} have no field "${m.field}"` });
    else if (m.field !== "traits" && fields.has(m.field)) problems.push({ path: ["mapping", i, "field"], message: `"${m.field}" is filled by two columns` });
    if (columns.has(m.column)) problems.push({ path: ["mapping", i, "column"], message: `The column "${m.column}" is mapped twice` });
    if (m.column === keyColumn && m.field !== "traits") problems.push({ path: ["mapping", i, "column"], message: `"${keyColumn}" is the key: it fills the id` });
    fields.add(m.field);
    columns.add(m.column);
  });
  return problems;
}

/** Where a read stands: after this key (full comparison) or after this cursor value and key (ties ordered by key). */
export const positionSchema = z.strictObject({ cursor: z.union([z.string(), z.number()]).nullable().optional(), key: z.union([z.string(), z.number()]) });
export type Position = z.infer<typeof positionSchema>;

/** A run's reading, committed with each page: rows, then (to find disappeared rows of a cursor import) every key. */
export const importProgressSchema = z.strictObject({
  rows: z.strictObject({ after: positionSchema.optional(), done: z.boolean() }),
  keys: z.strictObject({ after: positionSchema.optional(), done: z.boolean() }).optional(),
});
export type ImportProgress = z.infer<typeof importProgressSchema>;

export const sourceInputSchema = z.strictObject({ connectionId: z.uuid("Pick a PostgreSQL or MySQL connection") });

/** The preview's input: an import's reading and mapping, saved or not. */
export const previewInputSchema = z.strictObject({
  sourceId: z.uuid("Pick a source"),
  read: importReadSchema,
  entity: z.enum(entityNames),
  mapping: z.array(importColumnSchema).max(200).default([]),
  keyColumn: columnName.optional(),
  limit: z.number().int().min(1).max(100).default(20),
});
export type PreviewInput = z.input<typeof previewInputSchema>;

/** A column as the source reports it, with the cursor guess (an `updated_at`-like name). */
export type SourceColumn = { name: string; type: string };

/** One previewed row: its id and fields as they will land, and the problems that would reject it. */
export type PreviewRow = { id: string | null; fields: Record<string, unknown>; traits: Record<string, unknown>; problems: { column?: string; kind: "type_mismatch" | "missing_key"; message: string }[] };
export type Preview = { columns: SourceColumn[]; suggestedCursor?: string; rows: PreviewRow[] };

/** The column a cursor import would default to: the first whose name reads like "updated at" / "modified". */
export function suggestCursorColumn(columns: string[]): string | undefined {
  const score = (name: string) => {
    const n = name.toLowerCase();
    if (/^(updated|modified|changed|last_modified|last_updated)(_at|_on|_time|_ts|_date)?$/.test(n) || n === "updatedat" || n === "modifiedat") return 2;
    return /(updated|modified|changed)/.test(n) ? 1 : 0;
  };
  return columns.map((name) => ({ name, s: score(name) })).filter((c) => c.s > 0).sort((a, b) => b.s - a.s)[0]?.name;
}
