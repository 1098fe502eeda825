/**
 * An import's mapping on the sync builder's canvas: source columns on the left, the entity's fields on the right
 * (its id is the key), plus one trait per source column the entity has no field for. Converts both ways to what
 * the import stores (`mapping` + `keyColumn`). Client-safe.
 */
import { columnNode, type CanvasState, fieldNode } from "@/components/mapping-canvas/model";
import type { DestinationField, FieldType } from "@/connectors/types";
import type { DatasetColumn } from "@/lib/datasets/definition";
import { entities, type EntityName } from "@/lib/entities/catalog";
import { type ImportColumn, mappableFields, type SourceColumn } from "@/lib/sources/schema";

/** The entity field the key column fills. */
const KEY_FIELD = "id";

/** A database type name (PostgreSQL's format_type, MySQL's column types) as the kind of value it holds. */
export function sourceColumnType(type: string): Pick<DatasetColumn, "type" | "integer"> {
  const t = type.toLowerCase();
  if (/^(smallint|integer|int|bigint|tinyint|mediumint|int2|int4|int8|year|serial|bigserial)\b/.test(t)) return { type: "number", integer: true };
  if (/^(numeric|decimal|real|double|float)/.test(t)) return { type: "number" };
  if (/^(boolean|bool|bit)\b/.test(t)) return { type: "boolean" };
  if (t === "date") return { type: "date" };
  if (/^(timestamp|datetime)/.test(t)) return { type: "datetime" };
  return { type: "string" };
}

export const canvasColumns = (columns: SourceColumn[]): DatasetColumn[] => columns.map((c) => ({ name: c.name, ...sourceColumnType(c.type) }));

/** Source columns with no entity field of their name: each can be kept as a trait of that name. */
export const traitColumns = (entity: EntityName, columns: SourceColumn[]) => {
  const fields = new Set([KEY_FIELD, ...mappableFields(entity)]);
  return columns.map((c) => c.name).filter((name) => !fields.has(name));
};

/** The canvas's right side: the entity's id (what the key column fills), its writable fields, then the possible traits. */
export function entityTargets(entity: EntityName, columns: SourceColumn[]): DestinationField[] {
  const writable = new Set(mappableFields(entity));
  const fields = entities[entity].fields
    .filter((f) => writable.has(f.name))
    .map((f): DestinationField => ({ name: f.name, type: (f.type === "number" && f.range?.integer ? "integer" : f.type) as FieldType, required: false, nullable: true }));
  const traits = traitColumns(entity, columns).map((name): DestinationField => ({ name, type: "json", required: false, nullable: true, description: "trait" }));
  return [{ name: KEY_FIELD, type: "string", required: true, nullable: false, key: "primary" }, ...fields, ...traits];
}

export function importToCanvas(p: { entity: EntityName; mapping: ImportColumn[]; keyColumn?: string }): CanvasState {
  const key = p.keyColumn ? [{ source: columnNode(p.keyColumn), target: fieldNode(KEY_FIELD), transforms: [] }] : [];
  const links = p.mapping.map((m) => ({ source: columnNode(m.column), target: fieldNode(m.field === "traits" ? m.column : m.field), transforms: [] }));
  return { links: [...key, ...links], constants: [], matchTo: p.keyColumn ? KEY_FIELD : null };
}

const nameOf = (node: string) => node.slice(node.indexOf(":") + 1);

/** What the canvas means for the import: the column linked to the id is the key; a link into a trait keeps that column. */
export function canvasToImport(state: CanvasState, entity: EntityName): { mapping: ImportColumn[]; keyColumn?: string } {
  const fields = new Set(mappableFields(entity));
  const key = state.links.find((l) => l.target === fieldNode(KEY_FIELD));
  const mapping = state.links
    .filter((l) => l !== key && l.source.startsWith("col:"))
    .map((l) => ({ column: nameOf(l.source), field: fields.has(nameOf(l.target)) ? nameOf(l.target) : "traits" }));
  return { mapping, keyColumn: key ? nameOf(key.source) : undefined };
}

/**
 * Keeps the canvas saying what the import does: a trait is named after its column, so a link from another column into
 * a trait is dropped; a column lands in one place besides the key, so a new link from it replaces its earlier one;
 * and the id (the key) is the match key once something fills it.
 */
export function tidyCanvas(state: CanvasState, entity: EntityName): CanvasState {
  const fields = new Set([KEY_FIELD, ...mappableFields(entity)]);
  const named = state.links.filter((l) => fields.has(nameOf(l.target)) || nameOf(l.source) === nameOf(l.target));
  const key = named.find((l) => l.target === fieldNode(KEY_FIELD));
  const latest = new Map(named.filter((l) => l !== key).map((l) => [l.source, l]));
  const links = named.filter((l) => l === key || latest.get(l.source) === l);
  return { ...state, links, matchTo: key ? KEY_FIELD : null };
}
