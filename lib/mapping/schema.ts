/** Mappings: where each destination field's value comes from. Client-safe. */
import { z } from "zod";
import { text } from "@/lib/validation/text";
import { castSchemas } from "./casts";

const scalar = z.union([text().max(10_000), z.number(), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof scalar>;

export const dateFormats = ["YYYY-MM-DD", "YYYY-MM-DDTHH:mm:ssZ", "DD/MM/YYYY", "MM/DD/YYYY", "unix", "unix_ms"] as const;

const mappingSourceSchema = z.union([
  z.strictObject({ field: text().min(1, "Pick a dataset field") }),
  z.strictObject({ value: scalar }),
  z.strictObject({ template: text().min(1, "Write a template such as {first_name} {last_name}").max(1_000) }),
]);

export const transformSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("trim") }),
  z.strictObject({ type: z.literal("lowercase") }),
  z.strictObject({ type: z.literal("uppercase") }),
  z.strictObject({ type: z.literal("date_format"), format: z.enum(dateFormats) }),
  z.strictObject({ type: z.literal("default"), value: scalar }),
  ...castSchemas,
]);
export type Transform = z.infer<typeof transformSchema>;

const mappingEntrySchema = z
  .strictObject({
    from: mappingSourceSchema,
    to: text().min(1, "Pick a destination field").max(200),
    transforms: z.array(transformSchema).max(10).default([]),
  })
  .meta({
    id: "MappingEntry",
    description:
      "One destination field and where its value comes from: { field } (a dataset column), { value } (a static value) or { template } " +
      "(text with {column} placeholders, e.g. '{first_name} {last_name}'); then transforms applied in order: trim, lowercase, uppercase, " +
      "date_format (YYYY-MM-DD, YYYY-MM-DDTHH:mm:ssZ, DD/MM/YYYY, MM/DD/YYYY, unix, unix_ms), default (a value used when the result is empty); " +
      "casts: to_number, to_integer (rounding: round, floor, ceil, truncate), to_date and to_datetime (input: iso, DD/MM/YYYY, MM/DD/YYYY, unix, unix_ms), " +
      "to_boolean (true/false, yes/no, 1/0), to_string. A value a cast cannot convert fails its record.",
  });
export type MappingEntry = z.output<typeof mappingEntrySchema>;

export const mappingSchema = z.array(mappingEntrySchema).max(500, "At most 500 mapped fields");
export type Mapping = z.output<typeof mappingSchema>;

/** Records are matched on the destination by this field, fed from this dataset column. */
export const matchKeySchema = z.strictObject({ from: text().min(1, "Pick the dataset field to match on"), to: text().min(1, "Pick the destination key") });
export type MatchKey = z.infer<typeof matchKeySchema>;

const TOKEN = /\{([a-z][a-z0-9_]*)\}/g;

/** The dataset columns a template names. */
export const templateColumns = (template: string) => [...template.matchAll(TOKEN)].map((m) => m[1]!);

/** Every dataset column a mapping reads, the match key's first. */
export function mappingColumns(mapping: Mapping, matchKey: MatchKey): string[] {
  const columns = [matchKey.from];
  for (const entry of mapping) {
    if ("field" in entry.from) columns.push(entry.from.field);
    if ("template" in entry.from) columns.push(...templateColumns(entry.from.template));
  }
  return [...new Set(columns)];
}
