/**
 * Mapped values as Salesforce reads them, by the field's describe type. A value Salesforce cannot read
 * refuses the whole request (400 JSON_PARSER_ERROR) with the other 199 records: it is converted here, or
 * the record is refused before it is sent.
 */

export type Converted = { value: unknown } | { problem: string };

// Types whose values are text: "" stays "" (Salesforce stores it as blank).
const TEXT = new Set(["string", "textarea", "email", "phone", "url", "picklist", "multipicklist", "combobox", "encryptedstring"]);
const INTEGER = new Set(["int", "long"]);
const DECIMAL = new Set(["double", "currency", "percent"]);
const TRUE = new Set(["true", "1", "yes", "y"]);
const FALSE = new Set(["false", "0", "no", "n"]);
const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
// ISO 8601 (a space allowed for the T): a date, then an optional time and offset.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

const shown = (value: unknown) => (typeof value === "string" ? JSON.stringify(value) : typeof value === "object" ? "a list or an object" : String(value));

/** Epoch seconds below 10^11, else milliseconds (what the mapping's unix and unix_ms formats give). */
const epochMs = (n: number) => (Math.abs(n) < 1e11 ? n * 1000 : n);

/** A calendar date (not 2024-02-30) as YYYY-MM-DD. */
function calendarDate(y: string, m: string, d: string): string | undefined {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d) ? `${y}-${m}-${d}` : undefined;
}

function toDate(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return new Date(epochMs(value)).toISOString().slice(0, 10);
  const m = typeof value === "string" ? value.trim().match(ISO) : null;
  // A timestamp's date as written, in its own offset.
  return m ? calendarDate(m[1]!, m[2]!, m[3]!) : undefined;
}

function toDateTime(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return new Date(epochMs(value)).toISOString();
  const m = typeof value === "string" ? value.trim().match(ISO) : null;
  if (!m || !calendarDate(m[1]!, m[2]!, m[3]!)) return undefined;
  const [, y, mo, d, h = "00", mi = "00", s = "00", fraction = "", zone = "Z"] = m;
  // Without an offset, Salesforce reads a time as UTC.
  const offset = zone.toUpperCase() === "Z" ? "Z" : `${zone.slice(0, 3)}:${zone.slice(3).replace(":", "") || "00"}`;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${fraction.slice(0, 4)}${offset}`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string" || !NUMERIC.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : undefined;
}

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  const word = String(value).trim().toLowerCase();
  if ((typeof value === "string" || typeof value === "number") && TRUE.has(word)) return true;
  if ((typeof value === "string" || typeof value === "number") && FALSE.has(word)) return false;
  return undefined;
}

/** One value for a field of this describe type (undefined: a type this run did not read, sent as it is). */
export function salesforceValue(type: string | undefined, value: unknown): Converted {
  if (value === null || value === undefined) return { value: null };
  if (type === undefined) return { value };
  if (TEXT.has(type)) {
    if (type === "multipicklist" && Array.isArray(value) && value.every((v) => ["string", "number"].includes(typeof v))) return { value: value.join(";") };
    if (typeof value === "object") return { problem: `takes text, not ${shown(value)}` };
    return { value: typeof value === "string" ? value : String(value) };
  }
  if (value === "") return { value: null };
  if (type === "boolean") {
    const b = toBoolean(value);
    return b === undefined ? { problem: `takes true or false, not ${shown(value)}` } : { value: b };
  }
  if (INTEGER.has(type) || DECIMAL.has(type)) {
    const n = toNumber(value);
    if (n === undefined) return { problem: `takes a number, not ${shown(value)}` };
    if (INTEGER.has(type) && !Number.isInteger(n)) return { problem: `takes a whole number, not ${shown(value)}` };
    return { value: n };
  }
  if (type === "date") {
    const d = toDate(value);
    return d === undefined ? { problem: `takes a date as YYYY-MM-DD, not ${shown(value)}` } : { value: d };
  }
  if (type === "datetime") {
    const t = toDateTime(value);
    return t === undefined ? { problem: `takes a date and time in ISO 8601 (2024-05-01T08:30:00Z), not ${shown(value)}` } : { value: t };
  }
  if (type === "id" || type === "reference") return typeof value === "object" ? { problem: `takes a record Id, not ${shown(value)}` } : { value: String(value) };
  // time, base64, anyType…: as mapped.
  return { value };
}

/**
 * A record's fields as Salesforce reads them, by the field types of describe (keys lowercased); the fields
 * it would refuse, as one message.
 */
export function salesforceFields(payload: Record<string, unknown>, types: Record<string, string> | undefined): { fields: Record<string, unknown> } | { problem: string } {
  const fields: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(payload)) {
    const type = types?.[name.toLowerCase()];
    const c = types ? salesforceValue(type, raw) : { value: raw };
    if ("problem" in c) problems.push(`${name} (${type}) ${c.problem}`);
    else fields[name] = c.value;
  }
  return problems.length ? { problem: `Not sent to Salesforce: ${problems.join("; ")}` } : { fields };
}
