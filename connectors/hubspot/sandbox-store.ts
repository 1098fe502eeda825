/**
 * The HubSpot sandbox's account: property definitions per object (as GET /crm/v3/properties answers them),
 * records in memory, and HubSpot's checks on written values — unknown and read-only properties, numbers,
 * dates at midnight UTC, enumeration options, contacts unique on email, unique-value properties.
 * Built from ../shared/vendors/hubspot.md; shapes the sheet does not document are marked "assumed".
 */

export const objectTypes = {
  contacts: { singular: "CONTACT", typeId: "0-1" },
  companies: { singular: "COMPANY", typeId: "0-2" },
  deals: { singular: "DEAL", typeId: "0-3" },
  products: { singular: "PRODUCT", typeId: "0-7" },
} as const;
export type ObjectType = keyof typeof objectTypes;
export const isObjectType = (t: string): t is ObjectType => t in objectTypes;

export type SandboxProperty = {
  name: string;
  label: string;
  type: "string" | "number" | "date" | "datetime" | "enumeration" | "bool" | "phone_number";
  fieldType: string;
  groupName: string;
  description: string;
  options: { label: string; value: string; displayOrder: number; hidden: boolean }[];
  hasUniqueValue: boolean;
  calculated: boolean;
  hidden: boolean;
  formField: boolean;
  hubspotDefined: boolean;
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyOptions: boolean; readOnlyValue: boolean };
};

type PropertyInput = Pick<SandboxProperty, "name" | "type" | "fieldType"> & Partial<SandboxProperty> & { values?: string[] };

export function property(p: PropertyInput): SandboxProperty {
  const readOnly = p.modificationMetadata?.readOnlyValue ?? false;
  const hubspotDefined = p.hubspotDefined ?? true;
  return {
    label: p.name.replace(/_/g, " "),
    groupName: hubspotDefined ? "information" : "relay",
    description: "",
    options: (p.values ?? (p.fieldType === "booleancheckbox" ? ["true", "false"] : [])).map((value, i) => ({ label: value, value, displayOrder: i, hidden: false })),
    hasUniqueValue: false,
    calculated: false,
    hidden: false,
    formField: !readOnly,
    ...p,
    hubspotDefined,
    modificationMetadata: { archivable: !hubspotDefined, readOnlyDefinition: hubspotDefined, readOnlyOptions: false, readOnlyValue: readOnly, ...p.modificationMetadata },
  };
}

const readOnly = { modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyOptions: false, readOnlyValue: true } };
const text = (name: string, label: string) => property({ name, label, type: "string", fieldType: "text" });
const systemProperties = (modified: string) => [
  property({ name: "hs_object_id", label: "Record ID", type: "number", fieldType: "number", ...readOnly }),
  property({ name: "createdate", label: "Create Date", type: "datetime", fieldType: "date", ...readOnly }),
  property({ name: modified, label: "Last Modified Date", type: "datetime", fieldType: "date", ...readOnly }),
];
// An account where the user added a unique "Relay ID" property to each object (HubSpot allows up to 10 per object).
const relayId = () => property({ name: "relay_id", label: "Relay ID", type: "string", fieldType: "text", hasUniqueValue: true, hubspotDefined: false });

/** A small account's properties: standard ones, read-only system ones, and the custom unique `relay_id`. */
export function defaultProperties(): Record<ObjectType, SandboxProperty[]> {
  return {
    contacts: [
      text("email", "Email"),
      text("firstname", "First Name"),
      text("lastname", "Last Name"),
      property({ name: "phone", label: "Phone Number", type: "string", fieldType: "phonenumber" }),
      text("country", "Country/Region"),
      text("city", "City"),
      property({ name: "date_of_birth", label: "Date of birth", type: "date", fieldType: "date" }),
      property({ name: "lifecyclestage", label: "Lifecycle Stage", type: "enumeration", fieldType: "radio", values: ["subscriber", "lead", "opportunity", "customer"] }),
      property({ name: "relay_newsletter", label: "Newsletter", type: "enumeration", fieldType: "booleancheckbox", hubspotDefined: false }),
      property({ name: "relay_total_spent", label: "Total spent", type: "number", fieldType: "number", hubspotDefined: false }),
      property({ name: "relay_last_order_at", label: "Last order at", type: "datetime", fieldType: "date", hubspotDefined: false }),
      property({ name: "total_revenue", label: "Total Revenue", type: "number", fieldType: "number", calculated: true, ...readOnly }),
      property({ name: "hs_all_contact_vids", label: "All vids for a contact", type: "enumeration", fieldType: "checkbox", hidden: true, ...readOnly }),
      relayId(),
      ...systemProperties("lastmodifieddate"),
    ],
    companies: [
      text("name", "Company name"),
      text("domain", "Company Domain Name"),
      property({ name: "industry", label: "Industry", type: "enumeration", fieldType: "select", values: ["RETAIL", "SOFTWARE", "APPAREL_FASHION"] }),
      property({ name: "numberofemployees", label: "Number of Employees", type: "number", fieldType: "number" }),
      text("city", "City"),
      text("country", "Country/Region"),
      relayId(),
      ...systemProperties("hs_lastmodifieddate"),
    ],
    deals: [
      text("dealname", "Deal Name"),
      property({ name: "amount", label: "Amount", type: "number", fieldType: "number" }),
      property({ name: "pipeline", label: "Pipeline", type: "enumeration", fieldType: "select", values: ["default"] }),
      property({ name: "dealstage", label: "Deal Stage", type: "enumeration", fieldType: "radio", values: ["appointmentscheduled", "qualifiedtobuy", "closedwon", "closedlost"] }),
      property({ name: "closedate", label: "Close Date", type: "datetime", fieldType: "date" }),
      relayId(),
      ...systemProperties("hs_lastmodifieddate"),
    ],
    products: [
      text("name", "Name"),
      property({ name: "price", label: "Unit price", type: "number", fieldType: "number" }),
      text("hs_sku", "SKU"),
      property({ name: "description", label: "Description", type: "string", fieldType: "textarea" }),
      relayId(),
      ...systemProperties("hs_lastmodifieddate"),
    ],
  };
}

export type SandboxRecord = { id: string; properties: Record<string, string>; createdAt: string; updatedAt: string; updatedMs: number };
/** HubSpot's per-property complaint inside "Property values were not valid: […]". */
export type Problem = { isValid: false; message: string; error: string; name: string; localizedErrorMessage: string };
export type WriteOutcome = { record: SandboxRecord; created: boolean } | { conflict: string } | { problems: Problem[] };

const problem = (name: string, error: string, message: string): Problem => ({ isValid: false, message, error, name, localizedErrorMessage: message });
const DAY_MS = 86_400_000;

/** A value as HubSpot stores it, or the problem HubSpot reports. */
function normalise(p: SandboxProperty, object: ObjectType, raw: unknown): string | Problem {
  const value = raw === null || raw === undefined ? "" : typeof raw === "object" ? JSON.stringify(raw) : String(raw);
  if (value === "") return "";
  if (p.type === "number") return /^-?\d+(\.\d+)?$/.test(value.trim()) ? value.trim() : problem(p.name, "INVALID_INTEGER", `${value} was not a valid integer.`);
  if (p.type === "date" || p.type === "datetime") {
    const ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
    if (Number.isNaN(ms)) return problem(p.name, "INVALID_DATE", `${value} is not a valid date`);
    if (p.type === "datetime") return new Date(ms).toISOString();
    if (ms % DAY_MS !== 0) {
      const d = new Date(ms);
      return problem(p.name, "INVALID_DATE", `${value} is at ${d.getUTCHours()}:${d.getUTCMinutes()}:${d.getUTCSeconds()}.${d.getUTCMilliseconds()} UTC, not midnight!`);
    }
    return new Date(ms).toISOString().slice(0, 10);
  }
  if (p.type === "enumeration" || p.type === "bool") {
    const allowed = p.options.map((o) => o.value);
    const values = p.fieldType === "checkbox" ? value.split(";") : [value];
    const wrong = values.find((v) => !allowed.includes(v));
    return wrong === undefined ? value : problem(p.name, "INVALID_OPTION", `${wrong} was not one of the allowed options: [${allowed.join(", ")}]`);
  }
  if (object === "contacts" && p.name === "email") {
    const email = value.trim().toLowerCase();
    return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : problem(p.name, "INVALID_EMAIL", `Email address ${value} is invalid`);
  }
  return value;
}

export function createStore(properties: Record<ObjectType, SandboxProperty[]>) {
  const maps = () => Object.fromEntries(Object.keys(objectTypes).map((t) => [t, new Map<string, SandboxRecord>()])) as Record<ObjectType, Map<string, SandboxRecord>>;
  const records = maps();
  const archived = maps();
  let nextId = 1001;
  const definition = (t: ObjectType, name: string) => properties[t].find((p) => p.name === name);
  const lower = (v: string) => v.trim().toLowerCase();

  /** The live record holding this value of a property (emails and unique properties compare without case). */
  const holder = (t: ObjectType, name: string, value: string) => [...records[t].values()].find((r) => r.properties[name] !== undefined && lower(r.properties[name]!) === lower(value));

  /** Checks and normalises what an input writes; a contact's email or a unique value held by another record is a clash. */
  function check(t: ObjectType, input: Record<string, unknown>, selfId?: string): { values: Record<string, string> } | { conflict: string } | { problems: Problem[] } {
    const values: Record<string, string> = {};
    const problems: Problem[] = [];
    for (const [name, raw] of Object.entries(input)) {
      const p = definition(t, name);
      if (!p) problems.push(problem(name, "PROPERTY_DOESNT_EXIST", `Property "${name}" does not exist`));
      else if (p.modificationMetadata.readOnlyValue) problems.push(problem(name, "READ_ONLY_VALUE", `${name} is a read only property; its value cannot be set.`)); // assumed wording
      else {
        const v = normalise(p, t, raw);
        if (typeof v === "string") values[name] = v;
        else problems.push(v);
      }
    }
    if (problems.length) return { problems };
    if (t === "contacts" && values.email) {
      const other = holder(t, "email", values.email);
      if (other && other.id !== selfId) return { conflict: other.id };
    }
    for (const p of properties[t].filter((d) => d.hasUniqueValue && values[d.name])) {
      const other = holder(t, p.name, values[p.name]!);
      // assumed wording: HubSpot's answer to a duplicate unique value is not in the sheet
      if (other && other.id !== selfId) problems.push(problem(p.name, "INVALID_UNIQUE_VALUE", `${values[p.name]} is already the ${p.name} of ${objectTypes[t].singular.toLowerCase()} ${other.id}: its values must be unique`));
    }
    return problems.length ? { problems } : { values };
  }

  function put(t: ObjectType, values: Record<string, string>, existing?: SandboxRecord): SandboxRecord {
    const now = new Date();
    const id = existing?.id ?? String(nextId++);
    const modified = t === "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate";
    const merged = { ...existing?.properties, ...values, hs_object_id: id, [modified]: now.toISOString(), createdate: existing?.properties.createdate ?? now.toISOString() };
    for (const [k, v] of Object.entries(merged)) if (v === "") delete merged[k];
    const record = { id, properties: merged, createdAt: existing?.createdAt ?? now.toISOString(), updatedAt: now.toISOString(), updatedMs: now.getTime() };
    records[t].set(id, record);
    return record;
  }

  return {
    records,
    archived,
    properties,
    definition,
    holder,
    /** Creates (no `existing`) or updates a record, if HubSpot would accept the values. */
    write(t: ObjectType, input: Record<string, unknown>, existing?: SandboxRecord): WriteOutcome {
      const checked = check(t, input, existing?.id);
      if (!("values" in checked)) return checked;
      return { record: put(t, checked.values, existing), created: !existing };
    },
    /** A copy to return to when a whole call is refused (HubSpot writes nothing then). */
    snapshot: (t: ObjectType) => new Map(records[t]),
    restore: (t: ObjectType, copy: Map<string, SandboxRecord>) => void (records[t] = copy),
    /** Archives a record (as the batch/archive endpoint or a user deleting it in HubSpot does); nothing happens when it is gone. */
    archive(t: ObjectType, id: string) {
      const record = records[t].get(id);
      if (!record) return;
      records[t].delete(id);
      archived[t].set(id, record);
    },
    /** Seeds a record directly, as if someone had created it in HubSpot (no checks). */
    seed(t: ObjectType, values: Record<string, string>) {
      return put(t, t === "contacts" && values.email ? { ...values, email: values.email.toLowerCase() } : values);
    },
  };
}

export type SandboxStore = ReturnType<typeof createStore>;
