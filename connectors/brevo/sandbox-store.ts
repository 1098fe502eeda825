/**
 * The sandbox's account data and Brevo's rules over it, from ../shared/vendors/brevo.md: contacts unique by
 * email, ext_id and SMS (WhatsApp, landline), attributes that must exist and whose mistyped values are
 * silently ignored, lists, products. Answers are [status, body] pairs in Brevo's shapes.
 */
import type { BrevoAttribute } from "./attributes";

export type SandboxContact = {
  id: number;
  email?: string;
  emailBlacklisted: boolean;
  smsBlacklisted: boolean;
  listIds: number[];
  createdAt: string;
  modifiedAt: string;
  /** EXT_ID and SMS live here, as identifier attributes [B2]. */
  attributes: Record<string, unknown>;
};
export type SandboxProduct = { id: string; name: string; deletedAt?: string } & Record<string, unknown>;
export type Answer = [status: number, body?: unknown];

export const defaultAttributes: BrevoAttribute[] = [
  { name: "FIRSTNAME", category: "normal", type: "text" },
  { name: "LASTNAME", category: "normal", type: "text" },
  { name: "SMS", category: "normal", type: "text" },
  { name: "COUNTRY", category: "normal", type: "text" },
  { name: "BIRTHDAY", category: "normal", type: "date" },
  { name: "TOTAL_SPENT", category: "normal", type: "float" },
  { name: "VIP", category: "normal", type: "boolean" },
  { name: "INTERESTS", category: "normal", type: "multiple-choice" },
  { name: "GENDER", category: "category", enumeration: [{ value: 1, label: "Woman" }, { value: 2, label: "Man" }] },
  { name: "ORDER_ID", category: "transactional", type: "id" },
  { name: "DAYS_SINCE_SIGNUP", category: "calculated", calculatedValue: "DAYS_SINCE[CREATED_AT]" },
  { name: "ALL_CONTACTS", category: "global", calculatedValue: "COUNT[FIRSTNAME]" },
];

/** Identifier name (as in duplicate_identifiers) → where the contact keeps it. */
const IDENTIFIERS = { email: "email", ext_id: "EXT_ID", sms: "SMS", whatsapp: "WHATSAPP", landline_number: "LANDLINE_NUMBER" } as const;
type Identifier = keyof typeof IDENTIFIERS;
/** identifierType query values [B2]. */
const IDENTIFIER_TYPES: Record<string, Identifier | "id"> = { email_id: "email", contact_id: "id", ext_id: "ext_id", phone_id: "sms", whatsapp_id: "whatsapp", landline_number_id: "landline_number" };

const error = (status: number, code: string, message: string, metadata?: unknown): Answer => [status, { code, message, ...(metadata ? { metadata } : {}) }];
export const notFound = (message = "Contact does not exist") => error(404, "document_not_found", message);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type ContactInput = { email?: unknown; ext_id?: unknown; attributes?: Record<string, unknown>; emailBlacklisted?: unknown; smsBlacklisted?: unknown; listIds?: unknown; unlinkListIds?: unknown };

export function createStore(attributes: BrevoAttribute[]) {
  const contacts = new Map<number, SandboxContact>();
  const products = new Map<string, SandboxProduct>();
  let nextId = 1;
  const now = () => new Date().toISOString();

  const valueOf = (c: SandboxContact, name: Identifier) => (name === "email" ? c.email : c.attributes[IDENTIFIERS[name]]);
  const same = (name: Identifier, a: unknown, b: unknown) => a !== undefined && b !== undefined && (name === "email" ? String(a).toLowerCase() === String(b).toLowerCase() : String(a) === String(b));
  const findBy = (name: Identifier, value: unknown) => [...contacts.values()].find((c) => same(name, valueOf(c, name), value));

  /** The identifiers an input names, as they would be stored. */
  function identifiersOf(input: ContactInput, update: boolean): Partial<Record<Identifier, unknown>> {
    const out: Partial<Record<Identifier, unknown>> = {};
    const email = update ? input.attributes?.EMAIL : input.email;
    if (email !== undefined) out.email = email;
    if (input.ext_id !== undefined) out.ext_id = input.ext_id;
    for (const name of ["sms", "whatsapp", "landline_number"] as const) if (input.attributes?.[IDENTIFIERS[name]] !== undefined) out[name] = input.attributes[IDENTIFIERS[name]];
    return out;
  }

  /** A value of the attribute's type, or undefined: Brevo ignores mistyped values without failing [B1]. */
  function typed(name: string, value: unknown): unknown {
    const def = attributes.find((a) => a.name === name);
    if (!def || def.category === "calculated" || def.category === "global") return undefined;
    const type = def.type ?? (def.enumeration ? "category" : "text");
    if (type === "float") return typeof value === "number" ? value : undefined;
    if (type === "boolean") return typeof value === "boolean" ? value : undefined;
    if (type === "date") return typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;
    if (type === "category") return def.enumeration?.some((e) => e.value === value) ? value : undefined;
    if (type === "multiple-choice") return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : undefined;
    if (type === "id") return typeof value === "string" || typeof value === "number" ? value : undefined;
    return typeof value === "string" ? value : undefined;
  }

  function apply(c: SandboxContact, input: ContactInput, update: boolean) {
    const ids = identifiersOf(input, update);
    if (ids.email !== undefined) c.email = String(ids.email).toLowerCase();
    if (ids.ext_id !== undefined) c.attributes.EXT_ID = String(ids.ext_id);
    for (const [name, value] of Object.entries(input.attributes ?? {})) {
      if (name === "EMAIL") continue;
      const kept = typed(name, value);
      if (kept !== undefined) c.attributes[name] = kept;
    }
    if (typeof input.emailBlacklisted === "boolean") c.emailBlacklisted = input.emailBlacklisted;
    if (typeof input.smsBlacklisted === "boolean") c.smsBlacklisted = input.smsBlacklisted;
    const add = Array.isArray(input.listIds) ? input.listIds.map(Number) : [];
    const remove = Array.isArray(input.unlinkListIds) ? input.unlinkListIds.map(Number) : [];
    c.listIds = [...new Set([...c.listIds, ...add])].filter((l) => !remove.includes(l)).sort((a, b) => a - b);
    c.modifiedAt = now();
  }

  /** Identifiers of the input that another contact (than `self`) holds. */
  function clashes(input: ContactInput, update: boolean, self?: SandboxContact) {
    return Object.entries(identifiersOf(input, update))
      .map(([name, value]) => [name as Identifier, findBy(name as Identifier, value)] as const)
      .filter(([, other]) => other && other !== self);
  }

  function invalid(input: ContactInput, update: boolean): Answer | undefined {
    const email = update ? input.attributes?.EMAIL : input.email;
    if (email !== undefined && (typeof email !== "string" || !EMAIL.test(email))) return error(400, "invalid_parameter", "Invalid email address");
    if (input.ext_id !== undefined && typeof input.ext_id !== "string") return error(400, "invalid_parameter", "ext_id should be type string");
    return undefined;
  }

  const details = (c: SandboxContact) => structuredClone(c);

  return {
    contacts,
    products,

    /** POST /contacts [B1]. */
    create(input: ContactInput & { updateEnabled?: unknown }): Answer {
      const problem = invalid(input, false);
      if (problem) return problem;
      if (input.email === undefined && input.ext_id === undefined && input.attributes?.SMS === undefined)
        return error(400, "missing_parameter", "Contact must have at least one identifier: email, SMS or ext_id");
      const clashing = clashes(input, false);
      const owners = new Set(clashing.map(([, c]) => c));
      if (clashing.length && input.updateEnabled === true && owners.size === 1) {
        apply([...owners][0]!, input, false);
        return [204];
      }
      if (clashing.length) {
        const names = clashing.map(([n]) => n);
        return error(400, "duplicate_parameter", `Unable to create contact, ${names.join(", ")} is already associated with another Contact`, { duplicate_identifiers: names });
      }
      const at = now();
      const c: SandboxContact = { id: nextId++, emailBlacklisted: false, smsBlacklisted: false, listIds: [], createdAt: at, modifiedAt: at, attributes: {} };
      apply(c, input, false);
      contacts.set(c.id, c);
      return [201, { id: c.id }];
    },

    /** The contact a path names: `identifierType`, else a URL-encoded email or a numeric id [B2]. */
    resolve(identifier: string, identifierType: string | null): SandboxContact | Answer {
      const value = decodeURIComponent(identifier);
      const kind = identifierType ? IDENTIFIER_TYPES[identifierType] : /^\d+$/.test(value) ? "id" : value.includes("@") ? "email" : undefined;
      if (!kind) return error(400, "invalid_parameter", identifierType ? "Invalid identifierType" : "Invalid identifier: pass an email, an id or an identifierType");
      const found = kind === "id" ? contacts.get(Number(value)) : findBy(kind, value);
      return found ?? notFound();
    },

    /** PUT /contacts/{identifier}: 204, or 400 when a new identifier belongs to another contact. */
    update(c: SandboxContact, input: ContactInput): Answer {
      const problem = invalid(input, true);
      if (problem) return problem;
      const clashing = clashes(input, true, c);
      if (clashing.length) {
        const names = clashing.map(([n]) => n);
        return error(400, "duplicate_parameter", `Unable to update contact, ${names.join(", ")} is already associated with another Contact`, { duplicate_identifiers: names });
      }
      apply(c, input, true);
      return [204];
    },

    get: (c: SandboxContact): Answer => [200, details(c)],

    /** GET /contacts: newest first [get-contacts], `limit` at most 1,000 [B5]. */
    list(limit: number, offset: number, maxPageSize = 1000): Answer {
      if (!Number.isInteger(limit) || limit < 0 || limit > 1000) return error(400, "out_of_range", "limit should be between 0 and 1000");
      const all = [...contacts.values()].sort((a, b) => b.id - a.id);
      return [200, { contacts: all.slice(offset, offset + Math.min(limit, maxPageSize)).map(details), count: all.length }];
    },

    remove(c: SandboxContact, undeletable: string[]): Answer {
      if (c.email && undeletable.includes(c.email)) return error(405, "method_not_allowed", "You're not allowed to delete registered email contact with Brevo");
      contacts.delete(c.id);
      return [204];
    },

    /**
     * POST /contacts/batch [B3]: all or nothing. An unknown contact fails the whole call with 404 "No contact
     * found for indexes …" (positions counted from 0 here: the documented sample does not say from where),
     * unless `legacy207` asks for the older 207 {successIds, failureIds} form.
     */
    batch(items: (ContactInput & { id?: unknown; email?: unknown; sms?: unknown })[], legacy207: boolean): Answer {
      if (!Array.isArray(items) || items.length === 0) return error(400, "missing_parameter", "contacts is required");
      const found: (SandboxContact | undefined)[] = [];
      for (const item of items) {
        const named = [item.id, item.email, item.sms].filter((v) => v !== undefined);
        if (named.length !== 1) return error(400, "invalid_parameter", "Pass exactly one of email, id or sms for each contact");
        found.push(item.id !== undefined ? contacts.get(Number(item.id)) : item.email !== undefined ? findBy("email", item.email) : findBy("sms", item.sms));
      }
      const missing = found.flatMap((c, i) => (c ? [] : [i]));
      if (missing.length && !legacy207) return notFound(`No contact found for indexes ${missing.join(",")}`);
      for (const [i, item] of items.entries()) {
        const c = found[i];
        if (!c) continue;
        const problem = invalid(item, true) ?? (clashes(item, true, c).length ? error(400, "duplicate_parameter", `Unable to update contact at index ${i}, an identifier is already associated with another Contact`) : undefined);
        if (problem) return problem;
      }
      for (const [i, item] of items.entries()) if (found[i]) apply(found[i]!, item, true);
      if (!missing.length) return [204];
      return [207, { successIds: found.flatMap((c) => (c ? [c.id] : [])), failureIds: missing.map((i) => items[i]!.id ?? items[i]!.email ?? items[i]!.sms) }];
    },

    /**
     * POST /contacts/lists/{id}/contacts/add|remove [B1, B4]: contacts by emails, ids or extIds, at most 150;
     * 201 {contacts:{success, failure}} (failure: already in / not in the list, or unknown), 400 when none succeeded.
     */
    listMembers(listId: number, action: "add" | "remove", input: { emails?: unknown[]; ids?: unknown[]; extIds?: unknown[]; all?: unknown }): Answer {
      if (action === "remove" && input.all === true) {
        const members = [...contacts.values()].filter((c) => c.listIds.includes(listId));
        for (const c of members) c.listIds = c.listIds.filter((l) => l !== listId);
        return [201, { contacts: { total: members.length, processId: nextId++ } }];
      }
      const kinds = [["emails", "email"], ["ids", "id"], ["extIds", "ext_id"]] as const;
      const given = kinds.filter(([field]) => Array.isArray(input[field]));
      if (given.length !== 1) return error(400, "invalid_parameter", "Pass one of emails, ids or extIds");
      const [field, kind] = given[0]!;
      const values = input[field]!;
      if (values.length > 150) return error(400, "out_of_range", "You can add or remove at most 150 contacts at once");
      const success: unknown[] = [];
      const failure: unknown[] = [];
      for (const value of values) {
        const c = kind === "id" ? contacts.get(Number(value)) : findBy(kind, value);
        const member = c?.listIds.includes(listId);
        if (!c || (action === "add" ? member : !member)) failure.push(value);
        else {
          c.listIds = action === "add" ? [...c.listIds, listId].sort((a, b) => a - b) : c.listIds.filter((l) => l !== listId);
          success.push(value);
        }
      }
      // The one text the sheet gives [B6 php#47]; it does not say whether remove words it otherwise.
      if (!success.length) return error(400, "invalid_parameter", "Contact already in list and/or does not exist");
      return [201, { contacts: { success, failure } }];
    },

    /** Applies an import's jsonBody: an upsert by email [B1]. */
    importContacts(rows: { email?: string; attributes?: Record<string, unknown> }[], listIds: number[], updateExisting: boolean) {
      for (const row of rows) {
        if (typeof row.email !== "string" || !EMAIL.test(row.email)) continue;
        const existing = findBy("email", row.email);
        if (existing && updateExisting) apply(existing, { attributes: row.attributes, listIds }, true);
        else if (!existing) this.create({ email: row.email, attributes: row.attributes, listIds });
      }
    },

    /** POST /products [B8]: 201 {id} new, 204 update with updateEnabled, 400 when the id exists without it. */
    product(input: Record<string, unknown>): Answer {
      if (input.id === undefined || input.id === "") return error(400, "missing_parameter", "id is required");
      if (input.price !== undefined && typeof input.price !== "number") return error(400, "invalid_parameter", "price should be type number");
      if (input.categories !== undefined && !Array.isArray(input.categories)) return error(400, "invalid_parameter", "categories should be type array");
      const id = String(input.id);
      const { updateEnabled, ...fields } = input;
      const existing = products.get(id);
      if (existing && updateEnabled !== true) return error(400, "invalid_parameter", "Product already exists");
      if (existing) {
        products.set(id, { ...existing, ...fields, id });
        return [204];
      }
      if (typeof input.name !== "string" || !input.name) return error(400, "missing_parameter", "name is required");
      products.set(id, { ...fields, id, name: input.name });
      return [201, { id }];
    },
  };
}

export type SandboxStore = ReturnType<typeof createStore>;
