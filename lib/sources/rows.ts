/** Source rows as entity records: each value converted to its field's type, or the row rejected saying why. Pure. */
import { entityField, type EntityName } from "@/lib/entities/catalog";
import { describeIssues, type EntityRecord, recordSchema, takesAsIs } from "@/lib/entities/records";
import type { ImportRejectKind } from "@/lib/vocabulary";
import type { ImportColumn, ImportConfig } from "./schema";

export type LandedRow = { ok: true; key: string; record: EntityRecord } | { ok: false; key: string | null; kind: ImportRejectKind; message: string };

/** A date-time without an offset is read as UTC (source sessions run in UTC); "+00" becomes "+00:00". */
function isoDateTime(value: string) {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(value.trim());
  if (!m) return value;
  const offset = !m[3] ? "Z" : m[3] === "Z" ? "Z" : /^[+-]\d{2}$/.test(m[3]) ? `${m[3]}:00` : m[3];
  return `${m[1]}T${m[2]}${offset}`;
}

/** The value as the entity's JSON input takes it; values that cannot be converted are left as they are for zod to refuse. */
function convert(type: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return type === "date" ? value.toISOString().slice(0, 10) : type === "datetime" || type === "string" ? value.toISOString() : value;
  switch (type) {
    case "number":
      return typeof value === "string" && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.trim()) ? Number(value) : typeof value === "bigint" ? Number(value) : value;
    case "boolean":
      if (value === 1 || value === 0) return value === 1;
      return typeof value === "string" && /^(t|f|true|false|1|0)$/i.test(value) ? /^(t|true|1)$/i.test(value) : value;
    case "datetime":
      return typeof value === "string" ? isoDateTime(value) : value;
    case "string":
      return typeof value === "number" || typeof value === "bigint" || typeof value === "boolean" ? String(value) : value;
    default:
      return value;
  }
}

/** A trait value JSON can hold: dates as ISO text, big integers as text. */
const traitValue = (value: unknown) => (value instanceof Date ? value.toISOString() : typeof value === "bigint" ? value.toString() : Buffer.isBuffer(value) ? value.toString("base64") : value);

export const keyOf = (value: unknown) => (value === null || value === undefined ? null : String(value instanceof Date ? value.toISOString() : value).trim() || null);

export type LandingRule = { entity: EntityName; mapping: ImportColumn[]; keyColumn: string; clearDeleted?: boolean };

/** The fields every record landed by the rule sets (besides id). */
export const landedFields = (p: LandingRule) => [...new Set([...p.mapping.map((m) => m.field), ...(p.clearDeleted ? ["traits"] : [])])];

/** How an import's rows land: a row that comes back to an import that marks disappeared rows is no longer marked. */
export const landingRuleOf = (config: ImportConfig): LandingRule => ({ entity: config.entity, mapping: config.mapping, keyColumn: config.keyColumn, clearDeleted: config.onMissing === "mark_deleted" });

/**
 * What turns a source row into the entity record it lands as. `clearDeleted` adds `deleted_at: null` to the traits:
 * a row that came back is no longer marked deleted.
 */
export function rowLander(p: LandingRule): (row: Record<string, unknown>) => LandedRow {
  const schema = recordSchema(p.entity, "json");
  const asIs = takesAsIs(p.entity);
  const types = new Map(p.mapping.map((m) => [m.field, entityField(p.entity, m.field)?.type ?? "string"]));
  const column = (field: string) => p.mapping.find((m) => m.field === field)?.column ?? (field === "id" ? p.keyColumn : field);
  return (row) => landRow(p, { schema, asIs }, types, column, row);
}

type Checks = { schema: ReturnType<typeof recordSchema>; asIs: ReturnType<typeof takesAsIs> };

function landRow(p: LandingRule, checks: Checks, types: Map<string, string>, column: (field: string) => string, row: Record<string, unknown>): LandedRow {
  const key = keyOf(row[p.keyColumn]);
  if (key === null) return { ok: false, key: null, kind: "missing_key", message: `The key column "${p.keyColumn}" is empty` };
  const raw: Record<string, unknown> = { id: key };
  const traits: Record<string, unknown> = p.clearDeleted ? { deleted_at: null } : {};
  for (const m of p.mapping) {
    if (m.field === "traits") traits[m.column] = traitValue(row[m.column]);
    else raw[m.field] = convert(types.get(m.field)!, row[m.column]);
  }
  if (Object.keys(traits).length) raw.traits = traits;
  // Most rows hold values the schema takes as they are: it parses (converts, explains) only the others.
  if (checks.asIs(raw)) return { ok: true, key, record: raw as EntityRecord };
  const parsed = checks.schema.safeParse(raw);
  if (!parsed.success) {
    const message = describeIssues(parsed.error)
      .map((i) => (i.field ? `${column(i.field)} → ${i.message}` : i.message))
      .join("; ");
    return { ok: false, key, kind: "type_mismatch", message };
  }
  return { ok: true, key, record: parsed.data as EntityRecord };
}
