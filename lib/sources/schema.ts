/** The shapes of sources and imports, checked with zod at every edge (actions, REST, config import). Client-safe. */
import { z } from "zod";
import { entities, entityNames, type EntityName } from "@/lib/entities/catalog";
import { writableFields } from "@/lib/entities/records";
import { scheduleSchema } from "@/lib/sync/schedule";
import { text } from "@/lib/validation/text";
import { importMissingChoices } from "@/lib/vocabulary";

/** Connectors whose connections can be sources: databases the import reads with its own credentials, and folders of CSV files. */
export const sourceConnectors = ["postgres", "mysql", "sftp", "ftp"] as const;
export type SourceConnector = (typeof sourceConnectors)[number];
/** The sources that hold files (an import names a folder and a file name pattern), not tables. */
export const fileSourceConnectors = ["sftp", "ftp"] as const satisfies readonly SourceConnector[];

const columnName = text().trim().min(1, "Name a column").max(128, "Keep column names under 128 characters");

/** A bad line of a file: rejected alone (the rest lands), or the whole file refused (as CSV upload does). */
export const badLineChoices = ["reject_line", "refuse_file"] as const;
/** What becomes of a file once its last page is committed: left where it is, or moved to `processed/` beside it. */
export const afterImportChoices = ["keep", "move"] as const;

/** The files an import reads: CSV files (or .csv.gz) of one folder whose names match a pattern with * and ?. */
export const fileReadSchema = z.strictObject({
  type: z.literal("files"),
  folder: text().trim().min(1, "Name the folder").max(500).regex(/^\//, "An absolute folder, such as /exports"),
  pattern: text()
    .trim()
    .min(1, "Enter a file name pattern, such as contacts-*.csv")
    .max(200)
    .regex(/^[^/\\]+$/, "A file name pattern, without folders"),
  badLines: z.enum(badLineChoices).default("reject_line").describe("reject_line: a malformed or mistyped line is logged with its number and the rest lands; refuse_file: nothing from a file with any bad line lands"),
  afterImport: z.enum(afterImportChoices).default("keep").describe("move: an imported file is moved to processed/ in its folder once its last page is committed"),
});
export type FileRead = z.output<typeof fileReadSchema>;

/** What an import reads: a table or view (optionally schema-qualified on PostgreSQL), one read-only SQL query, or files. */
export const importReadSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("table"), table: columnName, schema: columnName.optional() }),
  z.strictObject({ type: z.literal("query"), sql: text().trim().min(1, "Enter a SELECT query").max(20_000, "Keep the query under 20,000 characters") }),
  fileReadSchema,
]);
export type ImportRead = z.output<typeof importReadSchema>;

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

/**
 * A whole import: its fields, and a mapping that fits its entity. Files are imported whole, each new or changed file
 * once: no cursor column, and rows that disappeared do not apply (a file only adds and updates rows).
 */
export const importInputSchema = importFieldsSchema.superRefine((input, ctx) => {
  for (const problem of mappingProblems(input.entity, input.mapping, input.keyColumn)) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
  if (input.read.type !== "files") return;
  if (input.changes.type !== "full") ctx.addIssue({ code: "custom", path: ["changes"], message: "Files are imported whole, each new or changed file once: a cursor column does not apply (choose full)" });
  if (input.onMissing !== "nothing") ctx.addIssue({ code: "custom", path: ["onMissing"], message: "Rows that disappeared do not apply to files: a file only adds and updates rows (choose nothing)" });
});

export type ImportInput = z.input<typeof importInputSchema>;
export type ImportConfig = z.output<typeof importInputSchema>;

/**
 * Whether the import keeps a ledger of the keys it wrote (import_records): only to act on the rows that disappeared
 * from its source, which must be rows it wrote.
 */
export const keepsLedger = (config: Pick<ImportConfig, "onMissing">) => config.onMissing !== "nothing";

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
  /** `file`: the file being imported and its last committed line (files are taken in name order, each whole). */
  rows: z.strictObject({ after: positionSchema.optional(), done: z.boolean(), file: z.strictObject({ name: z.string(), size: z.number(), line: z.number().int() }).optional() }),
  keys: z.strictObject({ after: positionSchema.optional(), done: z.boolean() }).optional(),
});
export type ImportProgress = z.infer<typeof importProgressSchema>;

export const sourceInputSchema = z.strictObject({ connectionId: z.uuid("Pick a PostgreSQL, MySQL, SFTP or FTP connection") });

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
