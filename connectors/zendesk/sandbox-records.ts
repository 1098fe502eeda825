/**
 * The records of the Zendesk sandbox: users, organizations and their custom fields, with Zendesk's
 * validation as documented (../shared/vendors/zendesk.md): upserts matched on external_id then email
 * (users, case-insensitive) or id / external_id (organizations, never name), unique emails (kept in lower
 * case), external IDs and organization names, and 422 RecordInvalid details in Zendesk's shape.
 */

export type CustomField = { id: number; key: string; type: string; title: string; active: boolean; custom_field_options?: { id: number; name: string; value: string }[] };
export type User = { id: number; name: string; email: string | null; external_id: string | null; role: string; active: boolean; user_fields: Record<string, unknown> } & Record<string, unknown>;
export type Organization = { id: number; name: string; external_id: string | null; organization_fields: Record<string, unknown> } & Record<string, unknown>;
export type Details = Record<string, { description: string; error: string }[]>;
export type Outcome<T> = { ok: true; record: T; created: boolean } | { ok: false; details: Details; existing?: T };

const USER_ATTRIBUTES = ["name", "email", "external_id", "role", "custom_role_id", "organization_id", "phone", "alias", "details", "notes", "tags", "time_zone", "locale", "verified", "suspended", "signature", "moderator", "ticket_restriction", "only_private_comments"];
const ORGANIZATION_ATTRIBUTES = ["name", "external_id", "details", "notes", "domain_names", "tags", "group_id", "shared_tickets", "shared_comments"];
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const same = (a: unknown, b: unknown) => typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
const problem = (field: string, description: string, error: string): Details => ({ [field]: [{ description, error }] });

export const defaultUserFields = (): CustomField[] => [
  { id: 9001, key: "country", type: "text", title: "Country", active: true },
  { id: 9002, key: "orders_count", type: "integer", title: "Orders", active: true },
  { id: 9003, key: "vip", type: "checkbox", title: "VIP", active: true },
  { id: 9004, key: "plan", type: "dropdown", title: "Plan", active: true, custom_field_options: [{ id: 1, name: "Free", value: "plan_free" }, { id: 2, name: "Pro", value: "plan_pro" }] },
  { id: 9005, key: "legacy_score", type: "decimal", title: "Legacy score", active: false },
];
export const defaultOrganizationFields = (): CustomField[] => [{ id: 9101, key: "segment", type: "text", title: "Segment", active: true }];

/** Custom field values keyed by field key: unknown keys are ignored, values are checked against the field's type. */
function customValues(fields: CustomField[], input: unknown, current: Record<string, unknown>): { values: Record<string, unknown> } | { details: Details } {
  const values = { ...current };
  for (const [key, value] of Object.entries((input as Record<string, unknown> | undefined) ?? {})) {
    const field = fields.find((f) => f.key === key && f.active);
    if (!field) continue;
    const bad =
      value !== null &&
      ((field.type === "integer" && !Number.isInteger(Number(value))) ||
        (field.type === "checkbox" && typeof value !== "boolean") ||
        (field.type === "dropdown" && !field.custom_field_options?.some((o) => o.value === value)));
    if (bad) return { details: problem(key, `${field.title}: ${String(value)} is not a valid value`, "InvalidValue") };
    values[key] = field.type === "integer" && value !== null ? Number(value) : value;
  }
  return { values };
}

export function createStore(p: { userFields: CustomField[]; organizationFields: CustomField[]; base: string }) {
  const users = new Map<number, User>();
  const organizations = new Map<number, Organization>();
  let nextId = 360_000_000_001;
  /** Zendesk emails each new user with an email a verification link, unless the request says skip_verify_email. */
  const verificationEmails: string[] = [];
  const active = () => [...users.values()].filter((u) => u.active);

  /** The user create_or_update would match: external_id first, then email (case-insensitive). */
  const matchUser = (input: Record<string, unknown>) =>
    (input.external_id != null && active().find((u) => same(u.external_id, String(input.external_id)))) || (input.email != null && active().find((u) => same(u.email, input.email))) || undefined;

  /** Writes a user (a new one when `existing` is undefined), or returns the validation errors. */
  function saveUser(existing: User | undefined, input: Record<string, unknown>): Outcome<User> {
    const email = input.email === undefined ? existing?.email : (input.email as string | null);
    const externalId = input.external_id === undefined ? existing?.external_id : input.external_id === null ? null : String(input.external_id);
    const name = input.name === undefined ? existing?.name : input.name;
    if (typeof name !== "string" || !name.trim()) return { ok: false, details: problem("name", "Name: is too short (minimum one character)", "BlankValue"), existing };
    if (email && !EMAIL.test(email)) return { ok: false, details: problem("email", `Email: ${email} is not properly formatted`, "InvalidFormat"), existing };
    if (email && active().some((u) => u !== existing && same(u.email, email))) return { ok: false, details: problem("email", `Email: ${email} is already being used by another user`, "DuplicateValue"), existing };
    if (externalId && active().some((u) => u !== existing && same(u.external_id, externalId))) return { ok: false, details: problem("external_id", "External: has already been taken", "DuplicateValue"), existing };
    if (input.role !== undefined && !["end-user", "agent", "admin"].includes(String(input.role))) return { ok: false, details: problem("role", `Role: ${String(input.role)} is not valid`, "InvalidValue"), existing };
    const custom = customValues(p.userFields, input.user_fields, existing?.user_fields ?? Object.fromEntries(p.userFields.map((f) => [f.key, null])));
    if ("details" in custom) return { ok: false, details: custom.details, existing };
    const id = existing?.id ?? nextId++;
    const attributes = Object.fromEntries(USER_ATTRIBUTES.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
    const user: User = {
      ...(existing ?? { id, url: `${p.base}/api/v2/users/${id}.json`, role: "end-user", active: true, verified: false, suspended: false, tags: [], organization_id: null, phone: null, created_at: now() }),
      ...attributes,
      name,
      // Zendesk keeps an email identity in lower case, whatever case it was sent in.
      email: email ? email.toLowerCase() : null,
      external_id: externalId ?? null,
      user_fields: custom.values,
      updated_at: now(),
    } as User;
    users.set(id, user);
    if (!existing && user.email && input.skip_verify_email !== true) verificationEmails.push(user.email);
    return { ok: true, record: user, created: !existing };
  }

  const matchOrganization = (input: Record<string, unknown>) =>
    (input.id != null && organizations.get(Number(input.id))) || (input.external_id != null && [...organizations.values()].find((o) => same(o.external_id, String(input.external_id)))) || undefined;

  function saveOrganization(existing: Organization | undefined, input: Record<string, unknown>): Outcome<Organization> {
    const name = input.name === undefined ? existing?.name : input.name;
    const externalId = input.external_id === undefined ? existing?.external_id : input.external_id === null ? null : String(input.external_id);
    if (typeof name !== "string" || !name.trim()) return { ok: false, details: problem("name", "Name: cannot be blank", "BlankValue"), existing };
    const others = [...organizations.values()].filter((o) => o !== existing);
    if (others.some((o) => same(o.name, name))) return { ok: false, details: problem("name", "Name: has already been taken", "DuplicateValue"), existing };
    if (externalId && others.some((o) => same(o.external_id, externalId))) return { ok: false, details: problem("external_id", "External ID: has already been taken", "DuplicateValue"), existing };
    const custom = customValues(p.organizationFields, input.organization_fields, existing?.organization_fields ?? Object.fromEntries(p.organizationFields.map((f) => [f.key, null])));
    if ("details" in custom) return { ok: false, details: custom.details, existing };
    const id = existing?.id ?? nextId++;
    const attributes = Object.fromEntries(ORGANIZATION_ATTRIBUTES.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
    const organization: Organization = {
      ...(existing ?? { id, url: `${p.base}/api/v2/organizations/${id}.json`, domain_names: [], tags: [], details: null, notes: null, created_at: now() }),
      ...attributes,
      name,
      external_id: externalId ?? null,
      organization_fields: custom.values,
      updated_at: now(),
    } as Organization;
    organizations.set(id, organization);
    return { ok: true, record: organization, created: !existing };
  }

  return { users, organizations, verificationEmails, active, matchUser, saveUser, matchOrganization, saveOrganization };
}

export type Store = ReturnType<typeof createStore>;
