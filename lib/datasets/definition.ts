/** Dataset definitions: a base entity plus lookups, aggregates and traits. Client-safe. */
import { z } from "zod";
import { type ColumnType, columnTypes, entities, entityField, type EntityField, entityNames, type EntityName } from "@/lib/entities/catalog";

export const aggregateFns = ["count", "sum", "avg", "min", "max", "latest"] as const;
export type AggregateFn = (typeof aggregateFns)[number];

export const aggregateFnLabels: Record<AggregateFn, string> = {
  count: "Count",
  sum: "Sum of",
  avg: "Average of",
  min: "Lowest",
  max: "Highest",
  latest: "Most recent",
};

const columnName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, "Use lower-case letters, digits and _, starting with a letter")
  .refine((name) => !name.startsWith("relay_"), "Names starting with relay_ are reserved");

const lookupSchema = z.object({
  lookup: z.string().min(1),
  fields: z.array(z.string().min(1)).min(1, "Pick at least one field"),
});

const aggregateSchema = z.object({
  name: columnName,
  collection: z.string().min(1),
  fn: z.enum(aggregateFns),
  field: z.string().optional(),
  where: z.object({ field: z.string().min(1), equals: z.string() }).optional(),
});

const traitSchema = z.object({ key: columnName, type: z.enum(columnTypes) });

export const datasetDefinitionSchema = z
  .object({
    baseEntity: z.enum(entityNames),
    fields: z.array(z.string()).optional(),
    lookups: z.array(lookupSchema).default([]),
    aggregates: z.array(aggregateSchema).default([]),
    traits: z.array(traitSchema).default([]),
  })
  .superRefine((def, ctx) => {
    const base = entities[def.baseEntity];
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });

    def.fields?.forEach((f, i) => {
      if (!entityField(def.baseEntity, f)) issue(["fields", i], `${base.label} have no field "${f}"`);
    });
    def.lookups.forEach((l, i) => {
      const lookup = base.lookups.find((x) => x.name === l.lookup);
      if (!lookup) return issue(["lookups", i, "lookup"], `${base.label} have no related "${l.lookup}"`);
      l.fields.forEach((f, j) => {
        if (!entityField(lookup.entity, f)) issue(["lookups", i, "fields", j], `${entities[lookup.entity].label} have no field "${f}"`);
      });
    });
    def.aggregates.forEach((a, i) => {
      const collection = base.collections.find((x) => x.name === a.collection);
      if (!collection) return issue(["aggregates", i, "collection"], `${base.label} have no related "${a.collection}"`);
      const problem = aggregateProblem(collection.entity, a);
      if (problem) issue(["aggregates", i, problem.path], problem.message);
    });

    const seen = new Set<string>();
    safeColumns(def).forEach((c) => {
      if (seen.has(c.name)) issue([], `Two columns would be named "${c.name}": rename one`);
      seen.add(c.name);
    });
  });

export type DatasetDefinitionInput = z.input<typeof datasetDefinitionSchema>;
export type DatasetDefinition = z.output<typeof datasetDefinitionSchema>;
export type Aggregate = DatasetDefinition["aggregates"][number];

function aggregateProblem(entity: EntityName, a: Aggregate): { path: string; message: string } | undefined {
  const label = entities[entity].label;
  if (a.where && !entityField(entity, a.where.field)) return { path: "where", message: `${label} have no field "${a.where.field}"` };
  if (a.fn === "count") return undefined;
  if (!a.field) return { path: "field", message: `Pick the field to ${a.fn}` };
  const field = entityField(entity, a.field);
  if (!field) return { path: "field", message: `${label} have no field "${a.field}"` };
  if ((a.fn === "sum" || a.fn === "avg") && field.type !== "number")
    return { path: "field", message: `${aggregateFnLabels[a.fn]} needs a number field; "${a.field}" is ${field.type}` };
  if ((a.fn === "min" || a.fn === "max") && field.type === "boolean")
    return { path: "field", message: `${aggregateFnLabels[a.fn]} does not apply to the yes/no field "${a.field}"` };
  return undefined;
}

/** A column of a dataset; `integer` marks a number column that holds whole numbers only. */
export type DatasetColumn = { name: string; type: ColumnType; integer?: true };

const fieldColumn = (name: string, field: EntityField): DatasetColumn => ({ name, type: field.type, ...(field.range?.integer ? { integer: true } : {}) });

function aggregateColumn(entity: EntityName, a: Aggregate): DatasetColumn {
  const field = entityField(entity, a.field ?? "");
  if (a.fn === "count") return { name: a.name, type: "number", integer: true };
  if (a.fn === "avg" || (a.fn === "sum" && !field)) return { name: a.name, type: "number" };
  return field ? fieldColumn(a.name, field) : { name: a.name, type: "string" };
}

/** The columns a definition produces; tolerant of invalid parts so validation can report on them. */
function safeColumns(def: DatasetDefinition): DatasetColumn[] {
  const base = entities[def.baseEntity];
  const baseFields = def.fields ? base.fields.filter((f) => def.fields!.includes(f.name)) : base.fields;
  const columns: DatasetColumn[] = baseFields.map((f) => fieldColumn(f.name, f));
  for (const l of def.lookups) {
    const lookup = base.lookups.find((x) => x.name === l.lookup);
    if (!lookup) continue;
    for (const f of l.fields) {
      const field = entityField(lookup.entity, f);
      if (field) columns.push(fieldColumn(`${l.lookup}_${f}`, field));
    }
  }
  for (const a of def.aggregates) {
    const collection = base.collections.find((x) => x.name === a.collection);
    if (collection) columns.push(aggregateColumn(collection.entity, a));
  }
  for (const t of def.traits) columns.push({ name: t.key, type: t.type });
  return columns;
}

/** The typed columns of a valid dataset, in output order. The primary key `id` always comes first. */
export function datasetColumns(def: DatasetDefinition): DatasetColumn[] {
  const columns = safeColumns(def);
  const id = columns.find((c) => c.name === "id") ?? { name: "id", type: "string" as const };
  return [id, ...columns.filter((c) => c.name !== "id")];
}

export const datasetPrimaryKey = "id";

/** Every entity whose rows feed the dataset (its base, lookups and aggregated collections). */
export function datasetEntities(def: DatasetDefinition): EntityName[] {
  const base = entities[def.baseEntity];
  const names = new Set<EntityName>([def.baseEntity]);
  for (const l of def.lookups) names.add(base.lookups.find((x) => x.name === l.lookup)!.entity);
  for (const a of def.aggregates) names.add(base.collections.find((x) => x.name === a.collection)!.entity);
  return [...names];
}
