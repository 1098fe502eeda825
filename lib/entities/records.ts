/** Incoming entity records (CSV lines, ingest API): validation into typed values. Client-safe. */
import { z } from "zod";
import { isIsoDate, isIsoDateTime } from "@/lib/validation/dates";
import { jsonObject, jsonProblem, text, textProblem } from "@/lib/validation/text";
import { type EntityField, entities, type EntityName, type NumberRange } from "./catalog";

export type RecordSource = "csv" | "json";
export type EntityRecord = { id: string; traits?: Record<string, unknown> } & Record<string, unknown>;

/** Fields a sender may set; timestamps are ours. */
export const writableFields = (entity: EntityName) =>
  entities[entity].fields.filter((f) => f.name !== "created_at" && f.name !== "updated_at");

const MAX_TEXT = 10_000;
const MAX_ID = 200;

const blankToNull = (v: unknown) => (typeof v === "string" && v.trim() === "" ? null : v);

/** A finite number that fits the column's type: whole where it is an integer, within its magnitude. */
function numberSchema(range: NumberRange | undefined) {
  const finite = z.number({ error: "must be a number" }).finite("must be a number");
  if (!range) return finite;
  const limit = range.maxAbs.toLocaleString("en-US");
  const fitting = finite.min(-range.maxAbs, `must be between -${limit} and ${limit}`).max(range.maxAbs, `must be between -${limit} and ${limit}`);
  return range.integer ? fitting.int("must be a whole number") : fitting;
}

function fieldSchema(field: EntityField, source: RecordSource): z.ZodType {
  const csv = source === "csv";
  let schema: z.ZodType;
  switch (field.type) {
    case "string":
      schema = field.values
        ? z.enum(field.values as [string, ...string[]], { error: `must be one of ${field.values.join(", ")}` })
        : text({ error: "must be text" }).max(MAX_TEXT, "is longer than 10,000 characters");
      break;
    case "number":
      schema = csv
        ? z.string().trim().regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, "must be a number like 12 or 12.50").transform(Number).pipe(numberSchema(field.range))
        : numberSchema(field.range);
      break;
    case "boolean":
      schema = csv
        ? z
            .string()
            .trim()
            .toLowerCase()
            .pipe(z.enum(["true", "false", "yes", "no", "1", "0"], { error: "must be true or false" }))
            .transform((v) => v === "true" || v === "yes" || v === "1")
        : z.boolean({ error: "must be true or false" });
      break;
    case "date":
      schema = z.string({ error: "must be a date like 2024-05-31" }).trim().refine(isIsoDate, "must be a date like 2024-05-31");
      break;
    case "datetime":
      schema = z
        .string({ error: "must be an ISO 8601 date-time like 2024-05-31T14:00:00Z" })
        .refine((v) => isIsoDateTime(v, { offset: "required" }), "must be an ISO 8601 date-time like 2024-05-31T14:00:00Z");
      break;
  }
  return z.preprocess(blankToNull, schema.nullable()).optional();
}

const idSchema = z.preprocess(
  (v) => (typeof v === "number" ? String(v) : v),
  text({ error: "is required" }).trim().min(1, "is required").max(MAX_ID, "is longer than 200 characters"),
);

/** The zod schema of one incoming record of `entity`; JSON senders put extra fields under `traits`. */
export function recordSchema(entity: EntityName, source: RecordSource) {
  const shape: Record<string, z.ZodType> = { id: idSchema };
  for (const f of writableFields(entity)) if (f.name !== "id") shape[f.name] = fieldSchema(f, source);
  shape.traits = jsonObject.optional();
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `Unknown field ${issue.keys.map((k) => `"${k}"`).join(", ")}: put extra fields under "traits"` : undefined,
  });
}

/** Whether a JSON sender's value is one the field's schema takes as it is: the parse would return it unchanged. */
function fieldTakesAsIs(field: EntityField): (value: unknown) => boolean {
  const nullOr = (check: (value: unknown) => boolean) => (value: unknown) => value === null || value === undefined || check(value);
  switch (field.type) {
    case "string": {
      const values = field.values;
      if (values) return nullOr((v) => values.includes(v as string));
      return nullOr((v) => typeof v === "string" && v.length <= MAX_TEXT && v.trim() !== "" && textProblem(v) === undefined);
    }
    case "number": {
      const range = field.range;
      return nullOr((v) => typeof v === "number" && Number.isFinite(v) && (!range || (Math.abs(v) <= range.maxAbs && (!range.integer || Number.isSafeInteger(v)))));
    }
    case "boolean":
      return nullOr((v) => typeof v === "boolean");
    case "date":
      return nullOr((v) => typeof v === "string" && v.trim() === v && isIsoDate(v));
    case "datetime":
      return nullOr((v) => typeof v === "string" && isIsoDateTime(v, { offset: "required" }));
  }
}

const idTakenAsIs = (v: unknown) => typeof v === "string" && v.length > 0 && v.length <= MAX_ID && v.trim() === v && textProblem(v) === undefined;
const traitsTakenAsIs = (v: unknown) => v === undefined || (typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype && jsonProblem(v) === undefined);

/**
 * A quick check of JSON records for the common case (imports land millions of rows through it): true only when
 * every key is a field of `entity` and every value one its schema takes as it is, so the parsed record would equal
 * the record. Anything else (a blank, text to trim, a bad value) is for `recordSchema` to convert or explain.
 */
export function takesAsIs(entity: EntityName): (record: Record<string, unknown>) => boolean {
  const checks = new Map<string, (value: unknown) => boolean>([["id", idTakenAsIs], ["traits", traitsTakenAsIs]]);
  for (const f of writableFields(entity)) if (f.name !== "id") checks.set(f.name, fieldTakesAsIs(f));
  return (record) => {
    for (const key in record) if (!checks.get(key)?.(record[key])) return false;
    return idTakenAsIs(record.id);
  };
}

/** Describes the problem of a failed parse as "field: message" lines. */
export function describeIssues(error: z.ZodError): { field?: string; message: string }[] {
  return error.issues.map((i) => {
    const field = i.path.length ? String(i.path[0]) : undefined;
    return { field, message: field ? `${field} ${i.message}` : i.message };
  });
}

/** The first line (or index) of each id that appears more than once. */
export function duplicateIds(ids: string[]): Map<string, number[]> {
  const seen = new Map<string, number[]>();
  ids.forEach((id, i) => seen.set(id, [...(seen.get(id) ?? []), i]));
  return new Map([...seen].filter(([, at]) => at.length > 1));
}
