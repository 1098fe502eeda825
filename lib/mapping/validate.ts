/** Checks a mapping against the dataset's columns and the destination's fields. Pure; client-safe. */
import type { DestinationField, FieldType } from "@/connectors/types";
import type { ColumnType } from "@/lib/entities/catalog";
import type { DatasetColumn } from "@/lib/datasets/definition";
import { type Cast, type CastType, castLabels, defaultCast } from "./casts";
import { type Mapping, type MappingEntry, type MatchKey, templateColumns } from "./schema";

export type MappingProblem = { path: string; message: string; fix?: Cast };
/** What a mapping entry produces: a column type, or `integer` for whole numbers. */
export type SourceType = ColumnType | "integer" | "null";

const castTypeOf: Record<CastType, SourceType> = { to_number: "number", to_integer: "integer", to_date: "date", to_datetime: "datetime", to_boolean: "boolean", to_string: "string" };

/** What type a mapping entry produces. */
export function entryType(entry: MappingEntry, columns: Map<string, DatasetColumn>): SourceType {
  let type: SourceType;
  if ("field" in entry.from) {
    const column = columns.get(entry.from.field);
    type = column?.integer ? "integer" : (column?.type ?? "string");
  } else if ("value" in entry.from) {
    const v = entry.from.value;
    type = v === null ? "null" : typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : typeof v === "boolean" ? "boolean" : "string";
  } else type = "string";
  for (const t of entry.transforms) {
    if (t.type === "date_format") type = t.format === "unix" || t.format === "unix_ms" ? "integer" : "string";
    if (t.type === "lowercase" || t.type === "uppercase" || t.type === "trim") type = type === "null" ? "null" : "string";
    if (t.type in castTypeOf) type = type === "null" ? "null" : castTypeOf[t.type as CastType];
  }
  return type;
}

const anything: SourceType[] = ["string", "number", "integer", "boolean", "date", "datetime", "null"];
const accepts: Record<FieldType, SourceType[]> = {
  string: anything,
  number: ["number", "integer", "null"],
  integer: ["integer", "null"],
  boolean: ["boolean", "null"],
  date: ["date", "datetime", "null"],
  datetime: ["datetime", "date", "null"],
  json: anything,
};

const typeWords: Record<Exclude<SourceType, "null">, string> = {
  string: "text",
  number: "numbers that may have decimals",
  integer: "whole numbers",
  boolean: "true/false values",
  date: "dates",
  datetime: "date-times",
};
const castFor: Partial<Record<FieldType, CastType>> = { number: "to_number", integer: "to_integer", boolean: "to_boolean", date: "to_date", datetime: "to_datetime" };

/** A mismatch in words, with the cast that fixes it. */
function mismatch(path: string, field: DestinationField, type: Exclude<SourceType, "null">): MappingProblem {
  const cast = castFor[field.type];
  const wants = field.type === "number" ? "numbers" : typeWords[field.type as Exclude<SourceType, "null">];
  const said = `"${field.name}" takes ${wants}, but this link gives ${typeWords[type]}`;
  return cast ? { path, message: `${said}: add the cast "${castLabels[cast]}" to the link`, fix: defaultCast(cast) } : { path, message: said };
}

/**
 * The fields of an object whose fields the sync names (a file's columns): each distinct name, text, able to
 * identify records (the sync picks which one is the match key).
 */
export function namedFields(names: string[]): DestinationField[] {
  return [...new Set(names.filter(Boolean))].map((name) => ({ name, type: "string", required: false, nullable: true, key: "unique" }));
}

/** Every problem that would make the destination refuse this mapping's records, by path. */
export function validateMapping(p: { mapping: Mapping; matchKey: MatchKey; columns: DatasetColumn[]; fields: DestinationField[] }): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const columns = new Map(p.columns.map((c) => [c.name, c]));
  const fields = new Map(p.fields.map((f) => [f.name, f]));
  const targets = new Set<string>();

  if (!columns.has(p.matchKey.from)) problems.push({ path: "matchKey.from", message: `The dataset has no column "${p.matchKey.from}"` });
  const keyField = fields.get(p.matchKey.to);
  if (!keyField) problems.push({ path: "matchKey.to", message: `The destination has no field "${p.matchKey.to}"` });
  else if (!keyField.key) problems.push({ path: "matchKey.to", message: `"${p.matchKey.to}" does not identify records: match on the primary key or a unique field` });
  targets.add(p.matchKey.to);

  p.mapping.forEach((entry, i) => {
    const at = `mapping.${i}`;
    if ("field" in entry.from && !columns.has(entry.from.field)) problems.push({ path: `${at}.from`, message: `The dataset has no column "${entry.from.field}"` });
    if ("template" in entry.from)
      for (const name of templateColumns(entry.from.template))
        if (!columns.has(name)) problems.push({ path: `${at}.from`, message: `The template names "{${name}}", which the dataset does not have` });
    const field = fields.get(entry.to);
    if (!field) return problems.push({ path: `${at}.to`, message: `The destination has no field "${entry.to}"` });
    if (entry.to === p.matchKey.to) {
      const same = "field" in entry.from && entry.from.field === p.matchKey.from && entry.transforms.length === 0;
      if (!same) problems.push({ path: `${at}.to`, message: `"${entry.to}" is the match key: it always receives "${p.matchKey.from}"` });
      return;
    }
    if (targets.has(entry.to)) problems.push({ path: `${at}.to`, message: `"${entry.to}" is mapped twice` });
    targets.add(entry.to);
    const type = entryType(entry, columns);
    if (type !== "null" && !accepts[field.type].includes(type)) problems.push(mismatch(`${at}.to`, field, type));
    if (type === "null" && !field.nullable) problems.push({ path: `${at}.to`, message: `"${entry.to}" cannot be empty` });
  });

  for (const field of p.fields)
    if (field.required && !targets.has(field.name)) problems.push({ path: "mapping", message: `The destination requires "${field.name}": map it` });
  return problems;
}
