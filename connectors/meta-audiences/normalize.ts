/**
 * Meta's customer-list identifiers, normalised as Meta's custom audience guide documents per key and
 * hashed with SHA-256 (lowercase hex) before anything leaves the app. EXTERN_ID is the one key Meta does
 * not require hashed: it is sent as it is.
 */
import crypto from "node:crypto";
import type { PayloadPreview } from "../types";
import { callingCodes } from "../shared/calling-codes";
import { KEEPS_LEADING_ZERO, US_STATE_CODES, US_STATES } from "./tables";

/** The multi-key schema's keys this connector sends, in the order Meta lists them. */
export const IDENTIFIERS = ["EXTERN_ID", "EMAIL", "PHONE", "GEN", "DOBY", "LN", "FN", "CT", "ST", "ZIP", "COUNTRY"] as const;
export type Identifier = (typeof IDENTIFIERS)[number];
export const isIdentifier = (name: string): name is Identifier => (IDENTIFIERS as readonly string[]).includes(name);
export const isHashed = (key: Identifier) => key !== "EXTERN_ID";

export const sha256 = (value: string) => crypto.createHash("sha256").update(value, "utf8").digest("hex");

/** A normalised value, or null with the reason it cannot be sent (null without a note: the value is empty). */
export type Normalised = { value: string; note?: string } | { value: null; note?: string };
const bad = (note: string): Normalised => ({ value: null, note });

/** a–z only: accents folded (München → munchen), everything else dropped. */
function fold(value: string) {
  const special: Record<string, string> = { ß: "ss", æ: "ae", œ: "oe", ø: "o", ł: "l", đ: "d", þ: "th", ð: "d", ı: "i" };
  return value
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[ßæœøłđþðı]/g, (c) => special[c]!)
    .replace(/[^a-z]/g, "");
}

function email(raw: string): Normalised {
  const value = raw.toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? { value } : bad("is not an email address");
}

/**
 * Digits only with the country code, no +, no leading zeros [H]. A number written without its country code
 * takes it from COUNTRY: a national number drops its trunk 0 (Italy keeps its leading 0, part of the
 * number), and one whose digits do not already start with the country's calling code gets it in front.
 */
function phone(raw: string, country: string | null): Normalised {
  // "+44 (0)20 …", "(0)20 …": the bracketed trunk digit is not dialled with the country code.
  const cleaned = raw.replace(/\(0\)/g, "");
  let digits = cleaned.replace(/\D/g, "");
  if (!digits) return bad("has no digits");
  const international = /^\s*(\+|00)/.test(cleaned);
  let note: string | undefined;
  const code = country ? callingCodes.get(country.toUpperCase()) : undefined;
  if (!international && /^0[1-9]/.test(digits)) {
    if (code) {
      digits = code + (KEEPS_LEADING_ZERO.has(country!) ? digits : digits.slice(1));
      note = `national number: country code ${code} added from COUNTRY`;
    } else note = "national number without a country code: Meta rarely matches it (map COUNTRY, or store numbers with +)";
  } else if (!international && code && /^[1-9]/.test(digits) && !digits.startsWith(code)) {
    digits = code + digits;
    note = `national number: country code ${code} added from COUNTRY`;
  }
  digits = digits.replace(/^0+/, "");
  if (digits.length < 7 || digits.length > 15) return bad(`has ${digits.length} digits: with its country code a phone number has 7 to 15`);
  return { value: digits, note };
}

/** FN, LN: lowercase letters only; accented letters are kept (UTF-8), punctuation, spaces and digits dropped. */
function personName(raw: string): Normalised {
  const value = raw.normalize("NFC").toLowerCase().replace(/[^\p{L}\p{M}]/gu, "");
  return value ? { value } : bad("has no letters");
}

function city(raw: string): Normalised {
  const value = fold(raw);
  return value ? { value } : bad("has no letters");
}

/** US: the 2-letter ANSI code; elsewhere the name, a–z only. */
function state(raw: string, country: string | null): Normalised {
  const value = fold(raw);
  if (!value) return bad("has no letters");
  if (!country || country === "us") {
    const code = US_STATES[value] ?? (US_STATE_CODES.has(value) ? value : undefined);
    if (code) return { value: code, note: code === value ? undefined : "US: the 2-letter state code" };
    if (country === "us") return bad("is not a US state");
  }
  return { value };
}

/** Lowercase without spaces; US: the first 5 digits; UK: area, district and sector. */
function zip(raw: string, country: string | null): Normalised {
  const value = raw.toLowerCase().replace(/\s+/g, "");
  if (!value) return bad("is empty");
  if (country === "us" || (!country && /^\d{5}-\d{4}$/.test(value))) {
    const m = /^(\d{4,5})(?:-?\d{4})?$/.exec(value);
    if (!m) return bad("is not a US ZIP code");
    const five = m[1]!.padStart(5, "0");
    return { value: five, note: five === value ? undefined : "US: the first 5 digits" };
  }
  const uk = /^([a-z]{1,2}\d[a-z\d]?)(\d)[a-z]{2}$/.exec(value);
  if (country === "gb" || (!country && uk)) {
    if (uk) return { value: uk[1]! + uk[2]!, note: "UK: area, district and sector (the unit letters are dropped)" };
    return /^[a-z]{1,2}\d[a-z\d]?\d?$/.test(value) ? { value } : bad("is not a UK postcode");
  }
  return { value };
}

function countryCode(raw: string): Normalised {
  const value = raw.toLowerCase().replace(/[\s.]/g, "");
  if (value === "uk") return { value: "gb", note: "UK is GB in ISO 3166-1" };
  return callingCodes.has(value.toUpperCase()) ? { value } : bad("is not an ISO 3166-1 alpha-2 country code");
}

function birthYear(raw: unknown, thisYear: number): Normalised {
  let year: number | undefined;
  // pg reads a DATE as local midnight; other dates are taken in UTC.
  if (raw instanceof Date) year = raw.getHours() === 0 && raw.getMinutes() === 0 ? raw.getFullYear() : raw.getUTCFullYear();
  else if (typeof raw === "number") year = raw;
  else {
    const s = String(raw).trim();
    const m = /^(\d{4})(?:[-/.]\d{1,2}[-/.]\d{1,2}(?:[T ].*)?)?$/.exec(s) ?? /^\d{1,2}[-/.]\d{1,2}[-/.](\d{4})$/.exec(s);
    year = m ? Number(m[1]) : undefined;
  }
  if (year === undefined || !Number.isInteger(year) || year < 1900 || year > thisYear) return bad("is not a birth year (YYYY, 1900 to this year)");
  return { value: String(year) };
}

const GENDERS: Record<string, "m" | "f"> = { m: "m", male: "m", man: "m", f: "f", female: "f", woman: "f" };
function gender(raw: string): Normalised {
  const value = GENDERS[raw.toLowerCase()];
  return value ? { value } : bad("is not m or f");
}

function externId(raw: string): Normalised {
  // EXTERN_ID goes unhashed: an email address there would leave the app as it is.
  return raw.includes("@") ? bad("looks like an email address: EXTERN_ID is sent unhashed, map an internal id") : { value: raw };
}

/**
 * The value Meta's guide expects for `key`, before hashing. `country` (normalised COUNTRY) completes phones, states
 * and ZIPs; `thisYear` (on the connector's clock) is the latest birth year.
 */
export function normalise(key: Identifier, raw: unknown, country: string | null, thisYear: number): Normalised {
  if (raw === null || raw === undefined) return { value: null };
  if (key === "DOBY" && (raw instanceof Date || typeof raw === "number")) return birthYear(raw, thisYear);
  const text = String(raw).normalize("NFC").trim();
  if (!text) return { value: null };
  switch (key) {
    case "EMAIL":
      return email(text);
    case "PHONE":
      return phone(text, country);
    case "FN":
    case "LN":
      return personName(text);
    case "CT":
      return city(text);
    case "ST":
      return state(text, country);
    case "ZIP":
      return zip(text, country);
    case "COUNTRY":
      return countryCode(text);
    case "DOBY":
      return birthYear(text, thisYear);
    case "GEN":
      return gender(text);
    case "EXTERN_ID":
      return externId(text);
  }
}

/** One person as Meta receives it: what is sent per key (hashes; EXTERN_ID as is) and why a value was not. */
export type BuiltRow = { identifiers: Partial<Record<Identifier, string>>; fields: PayloadPreview["fields"]; problems: string[] };

/** `now`: the connector's clock, in ms. */
export function buildRow(payload: Record<string, unknown>, keys: readonly Identifier[], now: number): BuiltRow {
  const thisYear = new Date(now).getUTCFullYear();
  const country = normalise("COUNTRY", payload.COUNTRY, null, thisYear).value;
  const row: BuiltRow = { identifiers: {}, fields: [], problems: [] };
  for (const key of keys) {
    const raw = payload[key] ?? null;
    const n = normalise(key, raw, country, thisYear);
    const sent = n.value === null ? null : isHashed(key) ? sha256(n.value) : n.value;
    if (sent !== null) row.identifiers[key] = sent;
    else if (n.note) row.problems.push(`${key} ${n.note}`);
    const note = n.value === null ? (n.note ? `${n.note}: not sent` : 'empty: sent as ""') : isHashed(key) ? n.note : "sent as it is: Meta does not require EXTERN_ID hashed";
    row.fields.push({ name: key, value: raw, normalised: n.value, sent, ...(note ? { note } : {}) });
  }
  return row;
}

/** The identifier keys a sync sends, in Meta's order. */
export const schemaOf = (fields: readonly string[]): Identifier[] => IDENTIFIERS.filter((key) => fields.includes(key));

/** A data row in `schema` order; an unknown value is "". */
export const rowOf = (schema: readonly string[], identifiers: Record<string, unknown>) => schema.map((key) => (typeof identifiers[key] === "string" ? (identifiers[key] as string) : ""));

/** What a mapped record would be sent as, field by field (the builder's "preview payload"). */
export function previewPayload(payload: Record<string, unknown>, now: number): PayloadPreview {
  const keys = schemaOf(Object.keys(payload));
  const fields = buildRow(payload, keys, now).fields;
  for (const name of Object.keys(payload))
    if (!isIdentifier(name)) fields.push({ name, value: payload[name] ?? null, normalised: null, sent: null, note: "not an identifier Meta takes: not sent" });
  return { fields };
}
