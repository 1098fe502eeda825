/** Mappings: where each destination field's value comes from. Client-safe. */
import { z } from "zod";

export const scalar = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof scalar>;

export const dateFormats = ["YYYY-MM-DD", "YYYY-MM-DDTHH:mm:ssZ", "DD/MM/YYYY", "MM/DD/YYYY", "unix", "unix_ms"] as const;

export const mappingSourceSchema = z.union([
  z.strictObject({ field: z.string().min(1, "Pick a dataset field") }),
  z.strictObject({ value: scalar }),
  z.strictObject({ template: z.string().min(1, "Write a template such as {first_name} {last_name}").max(1_000) }),
]);
export type MappingSource = z.infer<typeof mappingSourceSchema>;

export const transformSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("trim") }),
  z.strictObject({ type: z.literal("lowercase") }),
  z.strictObject({ type: z.literal("uppercase") }),
  z.strictObject({ type: z.literal("date_format"), format: z.enum(dateFormats) }),
  z.strictObject({ type: z.literal("default"), value: scalar }),
]);
export type Transform = z.infer<typeof transformSchema>;

export const mappingEntrySchema = z
  .strictObject({
    from: mappingSourceSchema,
    to: z.string().min(1, "Pick a destination field").max(200),
    transforms: z.array(transformSchema).max(10).default([]),
  })
  .meta({
    id: "MappingEntry",
    description:
      "One destination field and where its value comes from: { field } (a dataset column), { value } (a static value) or { template } " +
      "(text with {column} placeholders, e.g. '{first_name} {last_name}'); then transforms applied in order: trim, lowercase, uppercase, " +
      "date_format (YYYY-MM-DD, YYYY-MM-DDTHH:mm:ssZ, DD/MM/YYYY, MM/DD/YYYY, unix, unix_ms), default (a value used when the result is empty).",
  });
export type MappingEntry = z.output<typeof mappingEntrySchema>;

export const mappingSchema = z.array(mappingEntrySchema).max(500, "At most 500 mapped fields");
export type Mapping = z.output<typeof mappingSchema>;

/** Records are matched on the destination by this field, fed from this dataset column. */
export const matchKeySchema = z.strictObject({ from: z.string().min(1, "Pick the dataset field to match on"), to: z.string().min(1, "Pick the destination key") });
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
