/** The sandbox org's objects and fields, with the describe flags Salesforce documents (DescribeSObjectResult, Field). */

export type SandboxField = {
  name: string;
  label: string;
  type: string;
  length: number;
  createable: boolean;
  updateable: boolean;
  nillable: boolean;
  defaultedOnCreate: boolean;
  unique: boolean;
  externalId: boolean;
  idLookup: boolean;
  caseSensitive: boolean;
  calculated: boolean;
  autoNumber: boolean;
  referenceTo: string[];
  picklistValues: { value: string; label: string; active: boolean; defaultValue: boolean }[];
  /** What the platform fills on create (the sandbox's own, not part of describe). */
  fill?: () => unknown;
};

export type SandboxObject = {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  queryable: boolean;
  fields: SandboxField[];
};

const TEXT = ["string", "textarea", "email", "phone", "url", "picklist"];
const labelOf = (name: string) => name.replace(/__c$/, "").replace(/_/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2");

export function field(name: string, type: string, extra: Partial<SandboxField> = {}): SandboxField {
  return {
    name,
    label: labelOf(name),
    type,
    length: TEXT.includes(type) ? 255 : type === "id" || type === "reference" ? 18 : 0,
    createable: true,
    updateable: true,
    nillable: true,
    defaultedOnCreate: false,
    unique: false,
    externalId: false,
    idLookup: false,
    caseSensitive: false,
    calculated: false,
    autoNumber: false,
    referenceTo: [],
    picklistValues: [],
    ...extra,
  };
}

const picklist = (...values: string[]) => values.map((value, i) => ({ value, label: value, active: true, defaultValue: i === 0 }));
const readOnly = { createable: false, updateable: false };
export const SANDBOX_USER_ID = "005Hs00000AbCdEIAV";

/** Id, owner and audit fields every object has. */
function systemFields(): SandboxField[] {
  const now = () => new Date().toISOString().replace("Z", "+0000");
  return [
    field("Id", "id", { ...readOnly, nillable: false, defaultedOnCreate: true, idLookup: true }),
    field("OwnerId", "reference", { nillable: false, defaultedOnCreate: true, referenceTo: ["User"], fill: () => SANDBOX_USER_ID }),
    field("IsDeleted", "boolean", { ...readOnly, nillable: false, defaultedOnCreate: true, fill: () => false }),
    field("CreatedDate", "datetime", { ...readOnly, nillable: false, defaultedOnCreate: true, fill: now }),
    field("LastModifiedDate", "datetime", { ...readOnly, nillable: false, defaultedOnCreate: true, fill: now }),
  ];
}

function object(name: string, keyPrefix: string, fields: SandboxField[], extra: Partial<SandboxObject> = {}): SandboxObject {
  const custom = name.endsWith("__c");
  return { name, label: labelOf(name), labelPlural: `${labelOf(name)}s`, keyPrefix, custom, createable: true, updateable: true, deletable: true, queryable: true, fields: [...systemFields(), ...fields], ...extra };
}

/** A small org: the three CRM objects, an object without external ID, custom objects with and without one, a read-only object. */
export function defaultOrg(): SandboxObject[] {
  return [
    object("Account", "001", [
      field("Name", "string", { nillable: false, idLookup: true }),
      field("AccountNumber", "string", { length: 40 }),
      field("Website", "url"),
      field("Phone", "phone", { length: 40 }),
      field("Industry", "picklist", { picklistValues: picklist("Agriculture", "Banking", "Retail") }),
      field("BillingCountry", "string", { length: 80 }),
      // An external ID that is not unique: an upsert may match several records.
      field("Account_Key__c", "string", { length: 80, externalId: true, idLookup: true }),
    ]),
    object("Contact", "003", [
      field("FirstName", "string", { length: 40 }),
      field("LastName", "string", { length: 80, nillable: false }),
      field("Email", "email", { length: 80, idLookup: true }),
      field("Phone", "phone", { length: 40 }),
      field("MailingCountry", "string", { length: 80 }),
      field("Birthdate", "date"),
      field("HasOptedOutOfEmail", "boolean", { nillable: false, defaultedOnCreate: true, fill: () => false }),
      field("AccountId", "reference", { referenceTo: ["Account"] }),
      field("Relay_Id__c", "string", { length: 64, externalId: true, unique: true, idLookup: true }),
    ]),
    object("Lead", "00Q", [
      field("FirstName", "string", { length: 40 }),
      field("LastName", "string", { length: 80, nillable: false }),
      field("Company", "string", { nillable: false }),
      field("Email", "email", { length: 80, idLookup: true }),
      field("Country", "string", { length: 80 }),
      field("Status", "picklist", { nillable: false, defaultedOnCreate: true, picklistValues: picklist("Open - Not Contacted", "Working - Contacted", "Closed - Converted"), fill: () => "Open - Not Contacted" }),
      field("NumberOfEmployees", "int"),
      // Unique without being an external ID: records are created and updated by Id.
      field("Relay_Key__c", "string", { length: 64, unique: true }),
    ]),
    object("Opportunity", "006", [
      field("Name", "string", { length: 120, nillable: false }),
      field("StageName", "picklist", { nillable: false, picklistValues: picklist("Prospecting", "Closed Won") }),
      field("CloseDate", "date", { nillable: false }),
      field("Amount", "currency"),
    ]),
    object("Loyalty_Card__c", "a01", [
      field("Name", "string", { length: 80, nillable: false, idLookup: true }),
      field("Card_Number__c", "string", { length: 20, externalId: true, unique: true, idLookup: true, caseSensitive: true }),
      field("Points__c", "double"),
      field("Contact__c", "reference", { referenceTo: ["Contact"] }),
    ]),
    object("Call_Note__c", "a02", [field("Name", "string", { length: 80, nillable: false }), field("Body__c", "textarea", { length: 32_000 })]),
    object("ContactHistory", "017", [field("Field", "string", readOnly)], { createable: false, updateable: false, deletable: false }),
  ];
}

/** The describe answer of an object: flags only, without the sandbox's fill functions. */
export function describeOf(o: SandboxObject) {
  const urls = { sobject: `/services/data/v62.0/sobjects/${o.name}`, describe: `/services/data/v62.0/sobjects/${o.name}/describe` };
  return {
    name: o.name,
    label: o.label,
    labelPlural: o.labelPlural,
    keyPrefix: o.keyPrefix,
    custom: o.custom,
    createable: o.createable,
    updateable: o.updateable,
    deletable: o.deletable,
    queryable: o.queryable,
    urls,
    fields: o.fields.map((f) => Object.fromEntries(Object.entries(f).filter(([name]) => name !== "fill"))),
  };
}
