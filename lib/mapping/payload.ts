/** Builds what the destination receives for one dataset row. Pure; client-safe (the builder's sample record uses it). */
import { applyCast, CastError } from "./casts";
import type { Mapping, MappingEntry, MatchKey, Scalar, Transform } from "./schema";

type Row = Record<string, unknown>;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function formatDate(value: unknown, format: Extract<Transform, { type: "date_format" }>["format"]): unknown {
  if (typeof value !== "string" || value === "") return value;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return value;
  const [y, m, d] = [date.getUTCFullYear(), pad(date.getUTCMonth() + 1), pad(date.getUTCDate())];
  switch (format) {
    case "YYYY-MM-DD":
      return `${y}-${m}-${d}`;
    case "YYYY-MM-DDTHH:mm:ssZ":
      return `${y}-${m}-${d}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}Z`;
    case "DD/MM/YYYY":
      return `${d}/${m}/${y}`;
    case "MM/DD/YYYY":
      return `${m}/${d}/${y}`;
    case "unix":
      return Math.floor(date.getTime() / 1000);
    case "unix_ms":
      return date.getTime();
  }
}

function applyTransform(value: unknown, t: Transform): unknown {
  switch (t.type) {
    case "trim":
      return typeof value === "string" ? value.trim() : value;
    case "lowercase":
      return typeof value === "string" ? value.toLowerCase() : value;
    case "uppercase":
      return typeof value === "string" ? value.toUpperCase() : value;
    case "date_format":
      return formatDate(value, t.format);
    case "default":
      return value === null || value === undefined || value === "" ? t.value : value;
    default:
      return applyCast(value, t);
  }
}

export function entryValue(row: Row, entry: MappingEntry): unknown {
  let value: unknown;
  if ("field" in entry.from) value = row[entry.from.field] ?? null;
  else if ("value" in entry.from) value = entry.from.value as Scalar;
  else value = entry.from.template.replace(/\{([a-z][a-z0-9_]*)\}/g, (_m, name: string) => (row[name] == null ? "" : String(row[name])));
  try {
    return entry.transforms.reduce(applyTransform, value);
  } catch (error) {
    throw error instanceof CastError ? new CastError(`${error.message}, for "${entry.to}"`) : error;
  }
}

/** The destination record: each mapped field, plus the match key's value under the destination key. */
export function buildPayload(row: Row, mapping: Mapping, matchKey: MatchKey): Record<string, unknown> {
  const payload: Record<string, unknown> = { [matchKey.to]: row[matchKey.from] ?? null };
  for (const entry of mapping) if (entry.to !== matchKey.to) payload[entry.to] = entryValue(row, entry);
  return payload;
}
