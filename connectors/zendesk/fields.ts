import "server-only";
import type { DestinationField, FieldType } from "../types";
import { type Api, pages } from "./client";

type Standard = [name: string, type: FieldType, description: string, extra?: Partial<DestinationField>];

const field = ([name, type, description, extra]: Standard): DestinationField => ({ name, type, description, required: false, nullable: true, ...extra });

/** The writable attributes of Zendesk's UserObject; id, url, active and the timestamps are read-only. */
const userAttributes: Standard[] = [
  ["external_id", "string", "Your system's id for the user; create_or_update matches on it (case-insensitive)", { key: "unique" }],
  ["email", "string", "Primary email; create_or_update matches on it", { key: "unique" }],
  ["name", "string", "Full name (Zendesk requires it to create a user)", { required: true, nullable: false }],
  ["role", "string", "end-user (the default), agent or admin"],
  ["custom_role_id", "integer", "Custom role of an agent (Enterprise)"],
  ["organization_id", "integer", "Id of the user's default organization"],
  ["phone", "string", "Primary phone number"],
  ["alias", "string", "Name shown to end users instead of the agent's name"],
  ["details", "string", "Details about the user, such as an address"],
  ["notes", "string", "Notes about the user"],
  ["tags", "json", "Tags (an array of strings)"],
  ["time_zone", "string", "Time zone, e.g. Europe/Paris"],
  ["locale", "string", "Locale, e.g. en-US"],
  ["verified", "boolean", "Any of the user's identities is verified"],
  ["suspended", "boolean", "Suspended users cannot sign in"],
  ["signature", "string", "Agent signature"],
  ["moderator", "boolean", "May moderate the help center community"],
  ["ticket_restriction", "string", "Tickets an agent may see: organization, groups, assigned or requested"],
  ["only_private_comments", "boolean", "The user may only make private comments"],
];

/** The writable attributes of Zendesk's Organization object. */
const organizationAttributes: Standard[] = [
  ["external_id", "string", "Your system's id for the organization; create_or_update matches on it", { key: "unique" }],
  ["name", "string", "Unique name (required); an organization named so already is updated", { key: "unique", required: true, nullable: false }],
  ["details", "string", "Details about the organization, such as an address"],
  ["notes", "string", "Notes about the organization"],
  ["domain_names", "json", "Domain names (an array); users with these email domains join it"],
  ["tags", "json", "Tags (an array of strings)"],
  ["group_id", "integer", "New tickets from its users go to this group"],
  ["shared_tickets", "boolean", "Its users can see each other's tickets"],
  ["shared_comments", "boolean", "Its users can comment on each other's tickets"],
];

/** How a custom field's values are written: dropdowns take the option's value (its tag), multiselects a list of them. */
const customTypes: Record<string, FieldType> = {
  text: "string",
  textarea: "string",
  regexp: "string",
  dropdown: "string",
  checkbox: "boolean",
  date: "date",
  integer: "integer",
  decimal: "number",
  lookup: "integer",
  multiselect: "json",
};

type CustomField = { key: string; type: string; title?: string; description?: string; active?: boolean; custom_field_options?: { value: string }[] };

/** The objects this connector writes, with the list of custom fields and the property they are written under. */
export const objects = {
  users: { label: "Users", description: "End users, agents and admins", attributes: userAttributes, fieldsPath: "/user_fields", fieldsKey: "user_fields" },
  organizations: { label: "Organizations", description: "Companies your users belong to", attributes: organizationAttributes, fieldsPath: "/organization_fields", fieldsKey: "organization_fields" },
} as const;
export type ObjectName = keyof typeof objects;

export const isObjectName = (name: string): name is ObjectName => Object.hasOwn(objects, name);

/** The standard attributes plus the account's active custom fields, named `<user_fields|organization_fields>.<key>`. */
export async function discoverFields(api: Api, object: ObjectName): Promise<DestinationField[]> {
  const { attributes, fieldsPath, fieldsKey } = objects[object];
  const custom: DestinationField[] = [];
  for await (const page of pages<CustomField>(api, fieldsPath, fieldsKey))
    for (const f of page) {
      if (f.active === false) continue;
      const options = f.custom_field_options?.length ? ` Options: ${f.custom_field_options.map((o) => o.value).join(", ")}` : "";
      custom.push({ name: `${fieldsKey}.${f.key}`, type: customTypes[f.type] ?? "string", required: false, nullable: true, description: `${f.title ?? f.key} (${f.type})${options}`.trim() });
    }
  return [...attributes.map(field), ...custom];
}

/** The record as Zendesk takes it: `<fieldsKey>.<key>` entries gathered under the custom-fields property. */
export function toZendesk(object: ObjectName, payload: Record<string, unknown>): Record<string, unknown> {
  const prefix = `${objects[object].fieldsKey}.`;
  const out: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (name.startsWith(prefix)) custom[name.slice(prefix.length)] = value;
    else out[name] = name === "external_id" && typeof value === "number" ? String(value) : value;
  }
  if (Object.keys(custom).length) out[objects[object].fieldsKey] = custom;
  return out;
}

/** The value of a match key on a record Zendesk returned (a custom field's under its property). */
export function keyOf(object: ObjectName, record: Record<string, unknown>, key: string): string | undefined {
  const prefix = `${objects[object].fieldsKey}.`;
  const value = key.startsWith(prefix) ? (record[objects[object].fieldsKey] as Record<string, unknown> | undefined)?.[key.slice(prefix.length)] : record[key];
  return value === null || value === undefined || value === "" ? undefined : String(value);
}
