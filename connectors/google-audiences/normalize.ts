/**
 * Google's normalisation and hashing of Customer Match identifiers (Data Manager API "Format user data"),
 * and the audience member one mapped record becomes. Pure: the same code builds the wire payload and the
 * preview, so what the preview shows is what is sent.
 */
import crypto from "node:crypto";
import type { PayloadPreview } from "../types";
import { isRegionCode, normalizePhone } from "./phone";

export type Encoding = "HEX" | "BASE64";
export type ConsentStatus = "CONSENT_GRANTED" | "CONSENT_DENIED";
export type Consent = { adUserData: ConsentStatus; adPersonalization: ConsentStatus };
type AddressIds = { givenName: string; familyName: string; regionCode: string; postalCode: string };

/**
 * One member's identifiers as SHA-256 hex digests (region and postal code in clear, as Google takes them):
 * what the diff state keeps, so a later removal names exactly what was sent, whatever encoding it then uses.
 */
export type Identifiers = { emailAddress?: string; phoneNumber?: string; address?: AddressIds };

type Outcome = { ok: true; value: string } | { ok: false; error: string };
const fail = (error: string): Outcome => ({ ok: false, error });

export const sha256Hex = (value: string) => crypto.createHash("sha256").update(value, "utf8").digest("hex");
export const encodeDigest = (hex: string, encoding: Encoding) => (encoding === "HEX" ? hex : Buffer.from(hex, "hex").toString("base64"));

/** Lowercase, no whitespace; for gmail.com and googlemail.com only, no dots and no "+tag" before the @. */
export function normalizeEmail(raw: string): Outcome {
  const parts = raw.replace(/\s+/g, "").toLowerCase().split("@");
  const domain = parts[1] ?? "";
  let local = parts[0] ?? "";
  if (parts.length !== 2 || !local || !/^[^.]+(\.[^.]+)+$/.test(domain)) return fail(`email "${raw}" is not an email address`);
  if (domain === "gmail.com" || domain === "googlemail.com") local = local.replace(/\+.*$/, "").replace(/\./g, "");
  if (!local) return fail(`email "${raw}" has nothing before the @`);
  return { ok: true, value: `${local}@${domain}` };
}

const PREFIXES = new Set(["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame", "lady", "lord", "mme", "mlle"]);
const SUFFIXES = new Set(["jr", "jnr", "sr", "snr", "ii", "iii", "iv", "phd", "md", "esq", "dds", "dvm"]);

/** Lowercase, no punctuation, no prefix (Mrs.) before a given name nor suffix (Jr.) after a family name, trimmed. */
export function normalizeName(raw: string, part: "given" | "family"): Outcome {
  const words = raw
    .normalize("NFC")
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/\p{P}/gu, ""))
    .filter(Boolean);
  if (part === "given") while (words.length > 1 && PREFIXES.has(words[0]!)) words.shift();
  else while (words.length > 1 && SUFFIXES.has(words.at(-1)!)) words.pop();
  return words.length ? { ok: true, value: words.join(" ") } : fail(`${part === "given" ? "first_name" : "last_name"} "${raw}" has no letters`);
}

export function normalizeRegion(raw: string): Outcome {
  const code = raw.trim().toUpperCase();
  return isRegionCode(code) ? { ok: true, value: code } : fail(`region_code "${raw}" is not an ISO 3166-1 alpha-2 country code (such as FR or US)`);
}

/** US: 5 digits or ZIP+4; elsewhere the code as written, trimmed and upper-cased. */
export function normalizePostal(raw: string, region?: string): Outcome {
  const text = raw.trim().replace(/\s+/g, " ").toUpperCase();
  if (region === "US") {
    const digits = text.replace(/[\s-]/g, "");
    if (/^\d{5}$/.test(digits)) return { ok: true, value: digits };
    if (/^\d{9}$/.test(digits)) return { ok: true, value: `${digits.slice(0, 5)}-${digits.slice(5)}` };
    return fail(`postal_code "${raw}" is not a US ZIP code (5 digits, or ZIP+4)`);
  }
  return /^[A-Z0-9][A-Z0-9 -]{1,9}$/.test(text) ? { ok: true, value: text } : fail(`postal_code "${raw}" is not a postal code`);
}

const GRANTED = new Set(["true", "granted", "consent_granted", "yes", "y", "1"]);
const DENIED = new Set(["false", "denied", "consent_denied", "withdrawn", "no", "n", "0"]);
const UNSET = new Set(["", "unspecified", "consent_status_unspecified", "unknown"]);

/** A mapped consent value: booleans, GRANTED/DENIED (or CONSENT_…), granted/denied/withdrawn; empty leaves the default. */
export function normalizeConsent(name: string, value: unknown): { ok: true; value?: ConsentStatus } | { ok: false; error: string } {
  const text = typeof value === "string" ? value.trim().toLowerCase() : value === null || value === undefined ? "" : String(value).toLowerCase();
  if (GRANTED.has(text)) return { ok: true, value: "CONSENT_GRANTED" };
  if (DENIED.has(text)) return { ok: true, value: "CONSENT_DENIED" };
  if (UNSET.has(text)) return { ok: true };
  return { ok: false, error: `${name} "${String(value)}" is not a consent: give true/false, GRANTED/DENIED or granted/denied` };
}

const asText = (v: unknown) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));

/** `problems`: why the member cannot be sent at all; `dropped`: invalid identifiers left out of a member sent with the others. */
export type MemberDraft = { identifiers: Identifiers; consent: Partial<Consent>; problems: string[]; dropped: string[]; preview: PayloadPreview["fields"] };
type Field = PayloadPreview["fields"][number];
type Shown = Pick<Field, "normalised" | "sent" | "note">;
type DraftOptions = { encoding: Encoding; phoneCountry?: string; key?: string };
type Parts = { email?: Outcome; phone?: Outcome; first?: Outcome; last?: Outcome; region?: Outcome; postal?: Outcome };

/** Each identifier the payload gives, normalised (or the reason it cannot be). */
function readParts(payload: Record<string, unknown>, options: DraftOptions, problems: string[]): Parts {
  const read = (name: string, normalise: (raw: string) => Outcome) => {
    if (asText(payload[name]).trim() === "") return undefined;
    const outcome = normalise(asText(payload[name]));
    if (!outcome.ok) problems.push(outcome.error);
    return outcome;
  };
  const region = read("region_code", normalizeRegion);
  const regionCode = region?.ok ? region.value : undefined;
  return {
    region,
    email: read("email", normalizeEmail),
    phone: read("phone", (raw) => normalizePhone(raw, regionCode ?? options.phoneCountry)),
    first: read("first_name", (raw) => normalizeName(raw, "given")),
    last: read("last_name", (raw) => normalizeName(raw, "family")),
    postal: read("postal_code", (raw) => normalizePostal(raw, regionCode)),
  };
}

function identifiersOf({ email, phone, first, last, region, postal }: Parts): Identifiers {
  const identifiers: Identifiers = {};
  if (email?.ok) identifiers.emailAddress = sha256Hex(email.value);
  if (phone?.ok) identifiers.phoneNumber = sha256Hex(phone.value);
  if (first?.ok && last?.ok && region?.ok && postal?.ok)
    identifiers.address = { givenName: sha256Hex(first.value), familyName: sha256Hex(last.value), regionCode: region.value, postalCode: postal.value };
  return identifiers;
}

function consentOf(payload: Record<string, unknown>, problems: string[]): Partial<Consent> {
  const consent: Partial<Consent> = {};
  for (const [name, key] of [["ad_user_data", "adUserData"], ["ad_personalization", "adPersonalization"]] as const) {
    const outcome = normalizeConsent(name, payload[name]);
    if (!outcome.ok) problems.push(outcome.error);
    else if (outcome.value) consent[key] = outcome.value;
  }
  return consent;
}

/** Each mapped field as given, normalised, and as sent (or why it is not). */
function previewOf(payload: Record<string, unknown>, parts: Parts, identifiers: Identifiers, options: DraftOptions): Field[] {
  const addressNote = identifiers.address ? undefined : "The address goes only with first_name, last_name, region_code and postal_code all given: not sent";
  const hashed = (o: Outcome | undefined, note?: string): Shown =>
    !o ? { normalised: null, sent: null } : !o.ok ? { normalised: null, sent: null, note: o.error } : note ? { normalised: o.value, sent: null, note } : { normalised: o.value, sent: encodeDigest(sha256Hex(o.value), options.encoding) };
  const clear = (o: Outcome | undefined, note?: string): Shown =>
    !o ? { normalised: null, sent: null } : !o.ok ? { normalised: null, sent: null, note: o.error } : { normalised: o.value, sent: note ? null : o.value, note: note ?? "Sent in clear: Google does not hash it" };
  const forPhone = parts.phone?.ok && !parts.postal ? "Used for the phone's country code; not sent without a full address" : addressNote;
  const shown: Record<string, Shown> = {
    email: hashed(parts.email),
    phone: hashed(parts.phone),
    first_name: hashed(parts.first, addressNote),
    last_name: hashed(parts.last, addressNote),
    region_code: clear(parts.region, addressNote && forPhone),
    postal_code: clear(parts.postal, addressNote),
  };
  return Object.entries(payload).map(([name, value]): Field => {
    if (shown[name]) return { name, value, ...shown[name]! };
    if (name === "ad_user_data" || name === "ad_personalization") {
      const outcome = normalizeConsent(name, value);
      if (!outcome.ok) return { name, value, normalised: null, sent: null, note: outcome.error };
      return { name, value, normalised: outcome.value ?? null, sent: outcome.value ?? null, note: outcome.value ? undefined : "Empty: the upload's consent applies (see consent)" };
    }
    return { name, value, normalised: null, sent: null, note: name === options.key ? "Relay's key for this member: not sent to Google" : "Not an identifier Google takes: not sent" };
  });
}

/**
 * The member a mapped record becomes: each identifier normalised then hashed, consent read from
 * ad_user_data / ad_personalization. An invalid identifier would make Google refuse the whole request, so
 * it is left out (`dropped`) and the member goes with the valid ones; `problems` lists why a member cannot
 * be sent at all (no valid identifier, an unreadable consent): a record with any is never sent.
 */
export function draftMember(payload: Record<string, unknown>, options: DraftOptions): MemberDraft {
  const invalid: string[] = [];
  const parts = readParts(payload, options, invalid);
  const identifiers = identifiersOf(parts);
  const consentProblems: string[] = [];
  const consent = consentOf(payload, consentProblems);
  const matchable = Boolean(identifiers.emailAddress || identifiers.phoneNumber || identifiers.address);
  const problems = matchable ? consentProblems : [...invalid, ...consentProblems];
  if (problems.length === 0 && !matchable) problems.push("No identifier to match on: map email, phone, or a full address (first_name, last_name, region_code, postal_code)");
  return { identifiers, consent, problems, dropped: matchable ? invalid : [], preview: previewOf(payload, parts, identifiers, options) };
}

export type UserIdentifier = { emailAddress: string } | { phoneNumber: string } | { address: AddressIds };

/** The identifiers as Google's `userIdentifiers`, each digest in the request's encoding. */
export function userIdentifiers(ids: Identifiers, encoding: Encoding): UserIdentifier[] {
  const out: UserIdentifier[] = [];
  if (ids.emailAddress) out.push({ emailAddress: encodeDigest(ids.emailAddress, encoding) });
  if (ids.phoneNumber) out.push({ phoneNumber: encodeDigest(ids.phoneNumber, encoding) });
  if (ids.address) {
    const a = ids.address;
    out.push({ address: { givenName: encodeDigest(a.givenName, encoding), familyName: encodeDigest(a.familyName, encoding), regionCode: a.regionCode, postalCode: a.postalCode } });
  }
  return out;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Identifiers kept from an earlier run, if they are well-formed (a removal must not trip Google's whole-request check). */
export function readIdentifiers(stored: unknown): Identifiers | undefined {
  if (!stored || typeof stored !== "object") return undefined;
  const s = stored as Record<string, unknown>;
  const out: Identifiers = {};
  if (typeof s.emailAddress === "string" && HEX64.test(s.emailAddress)) out.emailAddress = s.emailAddress;
  if (typeof s.phoneNumber === "string" && HEX64.test(s.phoneNumber)) out.phoneNumber = s.phoneNumber;
  const a = s.address as Record<string, unknown> | undefined;
  if (a && [a.givenName, a.familyName].every((h) => typeof h === "string" && HEX64.test(h)) && isRegionCode(String(a.regionCode)) && typeof a.postalCode === "string" && a.postalCode)
    out.address = { givenName: String(a.givenName), familyName: String(a.familyName), regionCode: String(a.regionCode), postalCode: a.postalCode };
  return out.emailAddress || out.phoneNumber || out.address ? out : undefined;
}

/** What was sent before and is no longer part of the member (a changed email): removed, so the old identifier leaves the list. */
export function staleIdentifiers(before: Identifiers, after: Identifiers): Identifiers | undefined {
  const out: Identifiers = {};
  if (before.emailAddress && before.emailAddress !== after.emailAddress) out.emailAddress = before.emailAddress;
  if (before.phoneNumber && before.phoneNumber !== after.phoneNumber) out.phoneNumber = before.phoneNumber;
  if (before.address && JSON.stringify(before.address) !== JSON.stringify(after.address)) out.address = before.address;
  return out.emailAddress || out.phoneNumber || out.address ? out : undefined;
}
