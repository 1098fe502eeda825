/** The new dataset form's values, and how they become a dataset definition. Client-safe. */
import type { FieldPath } from "react-hook-form";
import type { AggregateFn, DatasetDefinitionInput } from "@/lib/datasets/definition";
import type { EntityName } from "@/lib/entities/catalog";

export type AggregateRow = { name: string; collection: string; fn: AggregateFn; field: string; whereField: string; whereEquals: string };
export type FormValues = { name: string; description: string; baseEntity: EntityName; fields: string[]; lookups: Record<string, string[]>; aggregates: AggregateRow[] };

export const suggestName = (a: Pick<AggregateRow, "collection" | "fn" | "field" | "whereEquals">) =>
  [a.whereEquals, a.collection, a.fn === "count" ? "count" : `${a.fn}_${a.field}`].filter(Boolean).join("_").toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 63);

export function toDefinition(v: FormValues): DatasetDefinitionInput {
  return {
    baseEntity: v.baseEntity,
    fields: v.fields,
    lookups: Object.entries(v.lookups)
      .filter(([, fields]) => fields.length > 0)
      .map(([lookup, fields]) => ({ lookup, fields })),
    aggregates: v.aggregates.map((a) => ({
      name: a.name,
      collection: a.collection,
      fn: a.fn,
      field: a.fn === "count" ? undefined : a.field || undefined,
      where: a.whereField ? { field: a.whereField, equals: a.whereEquals } : undefined,
    })),
  };
}

/** Maps a path of the action's input (definition.aggregates.0.field) to the form field that shows it. */
export function formPath(path: string): FieldPath<FormValues> | undefined {
  const m = path.match(/^definition\.aggregates\.(\d+)\.(name|collection|fn|field|where)/);
  if (m) return `aggregates.${Number(m[1])}.${m[2] === "where" ? "whereField" : (m[2] as "name")}`;
  if (path === "name" || path === "description") return path;
  return undefined;
}
