/** The objects and fields a Salesforce connection offers, read live from the org's describe answers. */
import "server-only";
import { pool } from "../shared/api";
import type { DestinationField, DestinationObject, FieldType } from "../types";
import { errorText } from "./answers";
import { assertPermitted, describeObject, type SalesforceContext, sfCall, type SObjectDescribe, type SObjectField } from "./client";

const CORE = ["Account", "Contact", "Lead"];
// Standard objects that orgs often give an external ID field; every custom object is looked at too.
const STANDARD = ["Asset", "Campaign", "Case", "Contract", "Individual", "Opportunity", "Order", "Product2"];
const MAX_DESCRIBED = 100;

type GlobalObject = { name: string; label: string; custom: boolean; createable: boolean; updateable: boolean };

/** How an object is offered to a sync: Contact, Lead and Account always, another one only with an external ID field (undefined: not offered). */
function offered(o: { name: string; label: string }, described: SObjectDescribe | undefined): DestinationObject | undefined {
  if (CORE.includes(o.name)) return { name: o.name, label: o.label, description: "Matched on an external ID field (upserted) or a unique field" };
  const keys = described?.fields.filter((f) => f.externalId).map((f) => f.name) ?? [];
  return keys.length ? { name: o.name, label: o.label, description: `Has external ID fields: ${keys.join(", ")}` } : undefined;
}

/** Contact, Lead and Account, and every other object with an external ID field (the global describe, then each candidate's). */
export async function writableObjects(ctx: SalesforceContext): Promise<DestinationObject[]> {
  const a = await sfCall(ctx, { method: "GET", path: "/sobjects" });
  assertPermitted(a, "listing objects");
  if (a.status !== 200) throw new Error(`Listing Salesforce's objects failed: ${errorText(a)}`);
  const all = ((a.json as { sobjects?: GlobalObject[] }).sobjects ?? []).filter((o) => o.createable && o.updateable);
  const core = all.filter((o) => CORE.includes(o.name));
  const candidates = all.filter((o) => !CORE.includes(o.name) && (STANDARD.includes(o.name) || (o.custom && o.name.endsWith("__c")))).slice(0, MAX_DESCRIBED);
  const described = await pool(candidates, 4, (o) => describeObject(ctx, o.name));
  return [...core.map((o) => offered(o, undefined)!), ...candidates.flatMap((o, i) => offered(o, described[i]) ?? [])];
}

/** One object as writableObjects would offer it, from its own describe alone (the global describe of a large org may fail or be slow). */
export async function writableObject(ctx: SalesforceContext, name: string): Promise<DestinationObject | undefined> {
  const described = await describeObject(ctx, name);
  if (!described || described.name !== name || !described.createable || !described.updateable) return undefined;
  return offered(described, described);
}

const TYPES: Record<string, FieldType> = { boolean: "boolean", int: "integer", long: "integer", double: "number", currency: "number", percent: "number", date: "date", datetime: "datetime" };

function describeField(f: SObjectField): string {
  const values = f.picklistValues?.filter((v) => v.active).map((v) => v.value) ?? [];
  return [
    f.label,
    f.externalId && "external ID",
    f.unique && "unique",
    f.type === "reference" && f.referenceTo?.length && `Id of a ${f.referenceTo.join(" or ")}`,
    values.length > 0 && `one of ${values.slice(0, 10).join(", ")}${values.length > 10 ? ", …" : ""}`,
    ["string", "textarea", "email", "phone", "url"].includes(f.type) && f.length && `up to ${f.length} characters`,
    !f.updateable && f.name !== "Id" && "set on create only",
    !f.createable && f.updateable && "set on update only",
  ]
    .filter(Boolean)
    .join(" · ");
}

/**
 * The fields a sync can write (createable or updateable) and Id: required = createable, not nillable and not
 * filled by the platform; Id is the primary key, unique and external ID fields identify records too.
 */
export function destinationFields(fields: SObjectField[]): DestinationField[] {
  return fields
    .filter((f) => f.name === "Id" || f.createable || f.updateable)
    .map((f) => ({
      name: f.name,
      type: TYPES[f.type] ?? "string",
      required: f.createable && !f.nillable && !f.defaultedOnCreate,
      nullable: f.nillable,
      key: f.name === "Id" ? ("primary" as const) : f.unique || f.externalId ? ("unique" as const) : undefined,
      description: describeField(f),
    }));
}
