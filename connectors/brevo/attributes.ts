/**
 * Brevo contact attributes as destination fields, and mapped records as Brevo contact bodies. Brevo
 * silently ignores an attribute value of the wrong type [B1], so values are converted here, and a value
 * that cannot be converted fails its record instead of vanishing.
 */
import type { DestinationField, FieldType } from "../types";

/** One entry of GET /contacts/attributes [B4 GetAttributes]. */
export type BrevoAttribute = {
  name: string;
  category: "normal" | "transactional" | "category" | "calculated" | "global";
  type?: string;
  enumeration?: { value: number; label: string }[];
  calculatedValue?: string;
};

/** What a write needs to know of an attribute: its type, and the labels of a category attribute. */
export type AttributeType = { type: string; enumeration?: { value: number; label: string }[] };
export type AttributeTypes = Record<string, AttributeType>;

/** Identifiers sent beside `attributes` (email, ext_id) or as attributes that are unique per contact [B2]. */
const IDENTIFIER_ATTRIBUTES = ["SMS", "WHATSAPP", "LANDLINE_NUMBER"];
const TOP_LEVEL_BOOLEANS = ["emailBlacklisted", "smsBlacklisted"];

/** Calculated and global attributes are computed by Brevo: nothing can write them. */
const writable = (a: BrevoAttribute) => a.category !== "calculated" && a.category !== "global" && !a.calculatedValue;

const typeOf = (a: BrevoAttribute): string => a.type ?? (a.category === "category" || a.enumeration ? "category" : "text");

const fieldType: Record<string, FieldType> = { text: "string", user: "string", id: "string", date: "date", float: "number", boolean: "boolean", category: "integer", "multiple-choice": "json" };

/** The contacts' fields: the standard identifiers, then each writable attribute with its type. */
export function contactFields(attributes: BrevoAttribute[]): DestinationField[] {
  const fields: DestinationField[] = [
    { name: "email", type: "string", required: false, nullable: true, key: "unique", description: "Email address (an identifier: unique per contact)" },
    { name: "ext_id", type: "string", required: false, nullable: true, key: "unique", description: "Your own id for the contact (an identifier: unique per contact)" },
    { name: "SMS", type: "string", required: false, nullable: true, key: "unique", description: "Mobile number with its country code, such as +33612345678 (an identifier)" },
  ];
  for (const a of attributes.filter(writable)) {
    const name = a.name.toUpperCase();
    if (name === "EMAIL" || name === "EXT_ID" || fields.some((f) => f.name === name)) continue;
    const type = typeOf(a);
    const labels = a.enumeration?.map((e) => `${e.value} = ${e.label}`).join(", ");
    fields.push({
      name,
      type: fieldType[type] ?? "string",
      required: false,
      nullable: true,
      ...(IDENTIFIER_ATTRIBUTES.includes(name) ? { key: "unique" as const } : {}),
      description: `${a.category} attribute (${type})${labels ? `: ${labels}` : ""}`,
    });
  }
  for (const name of TOP_LEVEL_BOOLEANS) fields.push({ name, type: "boolean", required: false, nullable: true, description: "Blocklisted for this channel" });
  return fields;
}

export const attributeTypes = (attributes: BrevoAttribute[]): AttributeTypes =>
  Object.fromEntries(attributes.filter(writable).map((a) => [a.name.toUpperCase(), { type: typeOf(a), ...(a.enumeration ? { enumeration: a.enumeration } : {}) }]));

type Converted = { value: unknown } | { problem: string };

const DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** A value as the attribute's type takes it, or why it cannot be. */
export function convertValue(value: unknown, t: AttributeType): Converted {
  const shown = typeof value === "string" ? `"${value}"` : JSON.stringify(value);
  switch (t.type) {
    case "float": {
      const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
      return Number.isFinite(n) ? { value: n } : { problem: `takes a number, not ${shown}` };
    }
    case "boolean": {
      if (typeof value === "boolean") return { value };
      const text = String(value).trim().toLowerCase();
      if (["true", "1", "yes"].includes(text)) return { value: true };
      if (["false", "0", "no"].includes(text)) return { value: false };
      return { problem: `takes true or false, not ${shown}` };
    }
    case "date": {
      const match = typeof value === "string" ? DATE.exec(value.trim()) : null;
      return match ? { value: match[1] } : { problem: `takes a date (YYYY-MM-DD), not ${shown}` };
    }
    case "category": {
      const byLabel = t.enumeration?.find((e) => typeof value === "string" && e.label.toLowerCase() === value.trim().toLowerCase());
      if (byLabel) return { value: byLabel.value };
      const n = Number(value);
      const known = !t.enumeration || t.enumeration.some((e) => e.value === n);
      return Number.isInteger(n) && value !== "" && known ? { value: n } : { problem: `takes one of ${t.enumeration?.map((e) => `${e.value} (${e.label})`).join(", ") ?? "its category values"}, not ${shown}` };
    }
    case "multiple-choice": {
      if (Array.isArray(value) && value.every((v) => typeof v === "string")) return { value };
      if (typeof value === "string") return { value: value.split(",").map((v) => v.trim()).filter(Boolean) };
      return { problem: `takes a list of options, not ${shown}` };
    }
    default:
      return typeof value === "object" ? { problem: `takes text, not ${shown}` } : { value: String(value) };
  }
}

/** The parts of a Brevo contact body a mapped record makes (create, update and batch update share them). */
export type ContactBody = { email?: string; ext_id?: string; attributes: Record<string, unknown>; emailBlacklisted?: boolean; smsBlacklisted?: boolean };

/**
 * A mapped record as a Brevo contact: email and ext_id beside the attributes, attribute names in upper
 * case, values converted to the attribute's type. Empty values are left out (Brevo keeps what it has).
 */
export function toContact(payload: Record<string, unknown>, types: AttributeTypes): { body: ContactBody } | { problem: string } {
  const body: ContactBody = { attributes: {} };
  const problems: string[] = [];
  for (const [name, value] of Object.entries(payload)) {
    if (value === null || value === undefined || value === "") continue;
    if (name === "email" || name === "ext_id") body[name] = String(value).trim();
    else if (name === "emailBlacklisted" || name === "smsBlacklisted") {
      const converted = convertValue(value, { type: "boolean" });
      if ("problem" in converted) problems.push(`${name} ${converted.problem}`);
      else body[name] = converted.value as boolean;
    } else {
      const attribute = name.toUpperCase();
      const converted = convertValue(value, types[attribute] ?? { type: "text" });
      if ("problem" in converted) problems.push(`${attribute} ${converted.problem}`);
      else body.attributes[attribute] = converted.value;
    }
  }
  if (problems.length) return { problem: `${problems.join("; ")}: Brevo would silently ignore ${problems.length > 1 ? "these values" : "this value"}` };
  if (!body.email && !body.ext_id && !body.attributes.SMS) return { problem: "A Brevo contact needs an email, an ext_id or an SMS number: this record has none" };
  return { body };
}

/** Mapped fields that are neither identifiers nor attributes of the account (deleted in Brevo since the sync was saved). */
export const unknownAttributes = (fields: string[], types: AttributeTypes) =>
  fields.filter((f) => !["email", "ext_id", "SMS", ...TOP_LEVEL_BOOLEANS].includes(f) && !types[f.toUpperCase()]);
