/** HubSpot properties: discovery (GET /crm/v3/properties/{object}), what they become in the mapping canvas, and values as HubSpot takes them. */
import "server-only";
import { DestinationConfigError, type DestinationField, type FieldType, type HttpClient } from "../types";
import { assertAuthorised, describeAnswer, type HubspotConnection, hubspotRequest } from "./client";
import { hubspotObjects } from "./config";

export type HubspotProperty = {
  name: string;
  label?: string;
  type?: string;
  fieldType?: string;
  description?: string;
  hasUniqueValue?: boolean;
  calculated?: boolean;
  hidden?: boolean;
  options?: { value: string; label?: string }[];
  modificationMetadata?: { readOnlyValue?: boolean };
};

/** How a property's values travel: HubSpot takes every value as a string, dates as epoch milliseconds. */
export type ValueKind = "string" | "number" | "bool" | "date" | "datetime";

export function assertObject(object: string) {
  if (!hubspotObjects.some((o) => o.name === object))
    throw new DestinationConfigError(`HubSpot syncs write ${hubspotObjects.map((o) => o.name).join(", ")}, not "${object}"`);
}

export async function fetchProperties(http: HttpClient, connection: HubspotConnection, object: string): Promise<HubspotProperty[]> {
  assertObject(object);
  const answer = await http(hubspotRequest(connection, "GET", `/crm/v3/properties/${object}?archived=false`));
  assertAuthorised(answer, `read the properties of ${object}`);
  const results = (answer.json as { results?: unknown } | undefined)?.results;
  if (answer.status !== 200 || !Array.isArray(results)) throw new DestinationConfigError(`Reading the properties of HubSpot ${object} failed (${describeAnswer(answer)})`);
  return results as HubspotProperty[];
}

export const isWritable = (p: HubspotProperty) => !p.modificationMetadata?.readOnlyValue && !p.calculated;

/** Usable as `idProperty` (to upsert on): unique values, or a contact's email. */
export const isUniqueProperty = (object: string, p: HubspotProperty) => p.hasUniqueValue === true || (object === "contacts" && p.name === "email");

export function valueKind(p: HubspotProperty | undefined): ValueKind {
  if (!p) return "string";
  if (p.type === "bool" || (p.type === "enumeration" && p.fieldType === "booleancheckbox")) return "bool";
  if (p.type === "number" || p.type === "date" || p.type === "datetime") return p.type === "number" ? "number" : p.type;
  return "string";
}

const fieldTypes: Record<ValueKind, FieldType> = { string: "string", number: "number", bool: "boolean", date: "date", datetime: "datetime" };

/** A property as the mapping canvas shows it. HubSpot's properties API does not say which are required: none is marked so. */
export function toField(object: string, p: HubspotProperty): DestinationField {
  const options = p.type === "enumeration" && valueKind(p) !== "bool" && p.options?.length ? p.options.map((o) => o.value) : undefined;
  const about = [p.label && p.label !== p.name ? p.label : undefined, options && `one of ${options.slice(0, 20).join(", ")}${options.length > 20 ? ", …" : ""}${p.fieldType === "checkbox" ? " (several joined with ;)" : ""}`];
  return {
    name: p.name,
    type: fieldTypes[valueKind(p)],
    required: false,
    nullable: true,
    key: isUniqueProperty(object, p) ? "unique" : undefined,
    description: about.filter(Boolean).join(" — ") || undefined,
  };
}

/** The fields a sync can write: writable, visible properties, the ones that identify records first. */
export function writableFields(object: string, properties: HubspotProperty[]): DestinationField[] {
  return properties
    .filter((p) => isWritable(p) && !p.hidden)
    .map((p) => toField(object, p))
    .sort((a, b) => Number(Boolean(b.key)) - Number(Boolean(a.key)) || a.name.localeCompare(b.name));
}

const DAY_MS = 86_400_000;

/** Epoch milliseconds of a date, a timestamp, or a Unix time (seconds below 10^11, else milliseconds). */
function epochMs(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? (Math.abs(value) < 1e11 ? value * 1000 : value) : undefined;
  if (typeof value !== "string") return undefined;
  if (/^-?\d+$/.test(value.trim())) return epochMs(Number(value));
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * A mapped value as HubSpot takes it: a string; "" clears the property; dates as epoch ms at midnight UTC,
 * datetimes as epoch ms; booleans "true"/"false". A value that cannot be converted goes as it is, for
 * HubSpot to refuse with its own message.
 */
export function hubspotValue(value: unknown, kind: ValueKind): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map((v) => hubspotValue(v, kind)).join(";");
  if ((kind === "date" || kind === "datetime") && value !== "") {
    const ms = epochMs(value);
    if (ms !== undefined) return String(kind === "date" ? Math.floor(ms / DAY_MS) * DAY_MS : ms);
  }
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
