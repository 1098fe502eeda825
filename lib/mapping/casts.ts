/** Casts: transforms that convert a value to the type a destination field takes. Pure; client-safe. */
import { z } from "zod";
import { PublicError } from "@/lib/errors";

export const roundings = ["round", "floor", "ceil", "truncate"] as const;
export type Rounding = (typeof roundings)[number];
export const dateInputs = ["iso", "DD/MM/YYYY", "MM/DD/YYYY", "unix", "unix_ms"] as const;
export type DateInput = (typeof dateInputs)[number];

export const castSchemas = [
  z.strictObject({ type: z.literal("to_number") }),
  z.strictObject({ type: z.literal("to_integer"), rounding: z.enum(roundings) }),
  z.strictObject({ type: z.literal("to_date"), input: z.enum(dateInputs) }),
  z.strictObject({ type: z.literal("to_datetime"), input: z.enum(dateInputs) }),
  z.strictObject({ type: z.literal("to_boolean") }),
  z.strictObject({ type: z.literal("to_string") }),
] as const;
export type Cast = z.infer<(typeof castSchemas)[number]>;
export type CastType = Cast["type"];
export const castTypes = castSchemas.map((s) => s.shape.type.value);

export const castLabels: Record<CastType, string> = {
  to_number: "to number",
  to_integer: "to integer",
  to_date: "to date",
  to_datetime: "to date-time",
  to_boolean: "to boolean",
  to_string: "to string",
};
export const roundingLabels: Record<Rounding, string> = { round: "round (halves away from zero)", floor: "round down", ceil: "round up", truncate: "drop the decimals" };
export const dateInputLabels: Record<DateInput, string> = {
  iso: "ISO (2026-03-01, 2026-03-01T08:09:10Z)",
  "DD/MM/YYYY": "DD/MM/YYYY",
  "MM/DD/YYYY": "MM/DD/YYYY",
  unix: "Unix seconds",
  unix_ms: "Unix milliseconds",
};

/** A cast with its default options, as the canvas adds it. */
export function defaultCast(type: CastType): Cast {
  if (type === "to_integer") return { type, rounding: "round" };
  if (type === "to_date" || type === "to_datetime") return { type, input: "iso" };
  return { type };
}

/** A value that a cast cannot convert: the record fails with this message. */
export class CastError extends PublicError {}

const describe = (value: unknown) => (typeof value === "string" ? `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}"` : JSON.stringify(value) ?? String(value));
const refuse = (value: unknown, cast: Cast, why = ""): never => {
  throw new CastError(`Cannot convert ${describe(value)} ${castLabels[cast.type]}${why}`);
};

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function toNumber(value: unknown, cast: Cast): number {
  const n = typeof value === "number" ? value : typeof value === "string" && NUMBER.test(value.trim()) ? Number(value.trim()) : NaN;
  return Number.isFinite(n) ? n : refuse(value, cast);
}

function toInteger(value: unknown, cast: Extract<Cast, { type: "to_integer" }>): number {
  const n = toNumber(value, cast);
  const rounded = cast.rounding === "round" ? Math.sign(n) * Math.round(Math.abs(n)) : Math[cast.rounding === "truncate" ? "trunc" : cast.rounding](n);
  return Number.isSafeInteger(rounded) ? rounded + 0 : refuse(value, cast, ": it is too large");
}

const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const SLASHED = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

function parseDate(value: unknown, input: DateInput): Date | undefined {
  if (value instanceof Date) return value;
  if (input === "unix" || input === "unix_ms") {
    const n = typeof value === "number" ? value : typeof value === "string" && NUMBER.test(value.trim()) ? Number(value.trim()) : NaN;
    return new Date(input === "unix" ? n * 1000 : n);
  }
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (input === "iso") {
    if (!ISO.test(text)) return undefined;
    // A date or date-time without a zone is read in UTC.
    return new Date(text.length === 10 ? `${text}T00:00:00Z` : /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text.replace(" ", "T")}Z`);
  }
  const m = SLASHED.exec(text);
  if (!m) return undefined;
  const [day, month] = input === "DD/MM/YYYY" ? [Number(m[1]), Number(m[2])] : [Number(m[2]), Number(m[1])];
  const date = new Date(Date.UTC(Number(m[3]), month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : undefined;
}

function toDate(value: unknown, cast: Extract<Cast, { type: "to_date" | "to_datetime" }>): string {
  const date = parseDate(value, cast.input);
  if (!date || Number.isNaN(date.getTime())) return refuse(value, cast, ` (read as ${dateInputLabels[cast.input]})`);
  const iso = date.toISOString();
  return cast.type === "to_date" ? iso.slice(0, 10) : iso;
}

const TRUE = new Set(["true", "yes", "1"]);
const FALSE = new Set(["false", "no", "0"]);

function toBoolean(value: unknown, cast: Cast): boolean {
  if (typeof value === "boolean") return value;
  const text = String(value).trim().toLowerCase();
  if ((typeof value === "string" || typeof value === "number") && (TRUE.has(text) || FALSE.has(text))) return TRUE.has(text);
  return refuse(value, cast, ": expected true/false, yes/no or 1/0");
}

const toText = (value: unknown) => (typeof value === "string" ? value : value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value));

/** Converts a value, or throws a CastError naming the value and the cast. Nothing (null, blank text) stays nothing. */
export function applyCast(value: unknown, cast: Cast): unknown {
  if (value === null || value === undefined) return null;
  if (cast.type === "to_string") return toText(value);
  if (typeof value === "string" && value.trim() === "") return null;
  switch (cast.type) {
    case "to_number":
      return toNumber(value, cast);
    case "to_integer":
      return toInteger(value, cast);
    case "to_date":
    case "to_datetime":
      return toDate(value, cast);
    case "to_boolean":
      return toBoolean(value, cast);
  }
}
