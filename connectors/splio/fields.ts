/** Splio's fields: the documented standard ones, custom fields discovered live, and a mapped record turned into Splio's body. */
import "server-only";
import { DestinationConfigError, type DestinationField, type FieldType } from "../types";
import { type SplioContext, splioCall, splioMessage, splioPages } from "./client";
import type { SplioObject } from "./config";

type Standard = { name: string; type: FieldType; required?: boolean; description?: string };

/** What the create and edit endpoints document as writable, beside custom fields. */
const standardFields: Record<SplioObject, Standard[]> = {
  contacts: [
    { name: "email", type: "string" },
    { name: "cellphone", type: "string" },
    { name: "firstname", type: "string" },
    { name: "lastname", type: "string" },
    { name: "language", type: "string", description: "en, fr, it, es, …" },
    { name: "creation_date", type: "datetime", description: "Sent as YYYY-MM-DD HH:MM:SS (UTC)" },
  ],
  products: [
    { name: "external_id", type: "string", required: true },
    { name: "name", type: "string" },
    { name: "description", type: "string" },
    { name: "brand", type: "string" },
    { name: "price", type: "number" },
    { name: "sku", type: "string" },
    { name: "img_url", type: "string" },
    { name: "category", type: "string" },
  ],
  orders: [
    { name: "external_id", type: "string", required: true },
    { name: "contact_id", type: "string", required: true, description: "The contact's unique key; the contact must exist in Splio" },
    { name: "store_external_id", type: "string", required: true, description: "The store must exist in Splio" },
    { name: "card_code", type: "string" },
    { name: "ordered_at", type: "datetime", description: "Sent as YYYY-MM-DD HH:MM:SS (UTC)" },
    { name: "total_price", type: "number" },
    { name: "discount_amount", type: "number" },
    { name: "shipping_amount", type: "number" },
    { name: "tax_amount", type: "number" },
    { name: "currency", type: "string" },
    { name: "sales_person", type: "string" },
    { name: "completed", type: "boolean", description: "false records an abandoned cart (default true)" },
  ],
};

const standardByName = Object.fromEntries(
  Object.entries(standardFields).map(([object, fields]) => [object, new Map(fields.map((f) => [f.name, f]))]),
) as Record<SplioObject, Map<string, Standard>>;

type FieldElement = { id?: unknown; is_system?: unknown; name?: unknown; label?: unknown };

/** A Splio object's fields: for the mapping canvas, and the custom field ids writes address them by. */
export type SplioFields = {
  fields: DestinationField[];
  /** Custom field id by destination field name. */
  custom: Record<string, number>;
  /** The field that identifies records: the universe's unique key for contacts, external_id otherwise. */
  key: string;
  /** For contacts: "email", "cellphone" or "cN". */
  uniqueKey?: string;
};

/** Names custom fields as Splio does, or `cN` when that name is taken by a standard field or another custom field. */
export function describeFields(object: SplioObject, elements: FieldElement[], uniqueKey?: string): SplioFields {
  const custom: Record<string, number> = {};
  const customFields: DestinationField[] = [];
  const taken = new Set(standardFields[object].map((f) => f.name));
  let key = object === "contacts" ? (uniqueKey ?? "email") : "external_id";
  for (const el of elements) {
    if (el.is_system === true || typeof el.id !== "number") continue;
    const splioName = typeof el.name === "string" && el.name ? el.name : `c${el.id}`;
    const name = taken.has(splioName) ? `c${el.id}` : splioName;
    taken.add(name);
    custom[name] = el.id;
    if (object === "contacts" && uniqueKey === `c${el.id}`) key = name;
    const label = typeof el.label === "string" && el.label !== splioName ? ` (${el.label})` : "";
    customFields.push({ name, type: "string", required: false, nullable: true, description: `Custom field c${el.id}${label}` });
  }
  // A unique key on a custom field the list did not show is still the key.
  if (object === "contacts" && !taken.has(key)) {
    const id = /^c(\d+)$/.exec(key)?.[1];
    if (id !== undefined) custom[key] = Number(id);
    customFields.push({ name: key, type: "string", required: true, nullable: false });
  }
  const fields: DestinationField[] = [
    ...standardFields[object].map((f) => ({ name: f.name, type: f.type, required: Boolean(f.required), nullable: !f.required, description: f.description })),
    ...customFields,
  ].map((f) => (f.name === key ? { ...f, required: true, nullable: false, key: "primary" as const, description: object === "contacts" ? "The universe's unique key" : f.description } : f));
  return { fields: [...fields.filter((f) => f.key), ...fields.filter((f) => !f.key)], custom, key, uniqueKey };
}

/** Reads the object's fields (and, for contacts, the universe's unique key) from Splio. */
export async function discoverFields(ctx: SplioContext, object: SplioObject): Promise<SplioFields> {
  let uniqueKey: string | undefined;
  if (object === "contacts") {
    const a = await splioCall(ctx, { method: "GET", path: "/universes/unique-key" });
    const value = (a.json as { unique_key?: unknown } | undefined)?.unique_key;
    if (a.status !== 200 || typeof value !== "string" || !value) throw new DestinationConfigError(`Splio did not give the universe's unique key (${splioMessage(a)})`);
    uniqueKey = value;
  }
  const elements: FieldElement[] = [];
  for await (const page of splioPages<FieldElement>(ctx, `/data/fields/${object}`, `the ${object} fields`)) elements.push(...page);
  return describeFields(object, elements, uniqueKey);
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Splio's date format, YYYY-MM-DD HH:MM:SS, from an ISO date or timestamp (in UTC); anything else as it is. */
export function splioDate(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value} 00:00:00`;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return value;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** A value as Splio takes it for a field of this type; undefined leaves the field out. */
function standardValue(type: FieldType, value: unknown): unknown {
  if (value === null || value === undefined) return type === "string" ? "" : undefined;
  if (type === "number" || type === "integer") return typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : value;
  if (type === "boolean") return value === "true" ? true : value === "false" ? false : value;
  if (type === "datetime" || type === "date") return typeof value === "string" ? splioDate(value) : value;
  return String(value);
}

/** Custom field values are strings in Splio; dates in its own format. */
const customValue = (value: unknown) => (value === null || value === undefined ? "" : typeof value === "string" ? splioDate(value) : String(value));

/**
 * The body of a create or edit: standard fields as they are, the rest in `custom_fields` by id (by name when
 * the field is unknown, so Splio answers for it). `omit` leaves out fields an edit must not send (the key).
 */
export function splioBody(object: SplioObject, fields: Pick<SplioFields, "custom">, payload: Record<string, unknown>, omit: string[] = []): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const custom: { id?: number; name?: string; value: string }[] = [];
  for (const [name, value] of Object.entries(payload)) {
    if (omit.includes(name)) continue;
    const standard = standardByName[object].get(name);
    if (standard) {
      const v = standardValue(standard.type, value);
      if (v !== undefined) body[name] = v;
      continue;
    }
    const id = fields.custom[name];
    custom.push(id === undefined ? { name, value: customValue(value) } : { id, value: customValue(value) });
  }
  if (custom.length) body.custom_fields = custom;
  return body;
}
