/**
 * The data of a sandbox Splio universe and the documented answers of its data API (../shared/vendors/splio.md):
 * contacts addressed by the universe's unique key, products, orders and stores by external_id, custom fields
 * by id (`cN`) or name, the `{status, errors:[{error_key, error, error_description}]}` envelope.
 */
export type Scope = "contacts" | "products" | "orders" | "stores";
export type CustomFieldDef = { id: number; name: string; type: "text" | "int" | "double" | "date" };
type CustomValue = { id: number; name: string; value: string; data_type: string };
export type SandboxContact = {
  id: number;
  lastname: string;
  firstname: string;
  email: string;
  cellphone: string;
  language: string;
  creation_date: string;
  custom_fields: CustomValue[];
  lists: { id: number; name: string }[];
};
export type SandboxProduct = Record<string, unknown> & { external_id: string; custom_fields: CustomValue[] };
export type SandboxOrder = Record<string, unknown> & { external_id: string; contact_id: string; store_external_id: string; completed: boolean; products: Record<string, unknown>[]; custom_fields: CustomValue[] };
export type Answer = { status: number; body?: unknown };
type Body = Record<string, unknown>;

export const fail = (status: number, error_key: string | null, error: string, error_description: string): Answer => ({ status, body: { status, errors: [{ error_key, error, error_description }] } });
const now = () => new Date().toISOString().slice(0, 19).replace("T", " ");
const isText = (v: unknown) => v === undefined || v === null || typeof v === "string";
// The documented YYYY-MM-DD HH:MM:SS (the OpenAPI pattern's hour group, (00|[0-9]|1[0-9]|2[0-3]), would refuse "05": taken as a typo).
const DATE = /^\d\d\d\d-(0?[1-9]|1[0-2])-(0?[1-9]|[12][0-9]|3[01]) ([01]?[0-9]|2[0-3]):([0-5]?[0-9]):([0-5]?[0-9])$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export class SplioUniverse {
  contacts = new Map<string, SandboxContact>();
  products = new Map<string, SandboxProduct>();
  orders = new Map<string, SandboxOrder>();
  stores = new Map<string, { external_id: string; name: string }>();
  private nextContactId = 1;

  constructor(
    public uniqueKey: string,
    public customFields: Record<Scope, CustomFieldDef[]>,
    public lists: { id: number; name: string }[],
  ) {}

  /** The unique key's value in a contact body: email, cellphone or custom field N (by id or name). */
  keyOf(body: Body): string {
    if (this.uniqueKey === "email" || this.uniqueKey === "cellphone") return String(body[this.uniqueKey] ?? "");
    const id = Number(this.uniqueKey.slice(1));
    const def = this.customFields.contacts.find((f) => f.id === id);
    const entry = (Array.isArray(body.custom_fields) ? (body.custom_fields as Body[]) : []).find((c) => c.id === id || (def && c.name === def.name));
    return String(entry?.value ?? "");
  }

  /** Custom field values checked against their definitions (unknown → wrong_value, bad type → wrong_type). */
  private customValues(scope: Scope, input: unknown, current: CustomValue[] = []): CustomValue[] | Answer {
    if (input === undefined || input === null) return current;
    if (!Array.isArray(input)) return fail(400, "custom_fields", "wrong_type", "custom_fields must be an array");
    const out = new Map(current.map((c) => [c.id, c]));
    for (const entry of input as Body[]) {
      const def = this.customFields[scope].find((f) => (entry.id !== undefined ? f.id === Number(entry.id) : f.name === entry.name));
      if (!def) return fail(400, "custom_fields", "wrong_value", `Custom field ${String(entry.id ?? entry.name)} does not exist`);
      const value = entry.value === null || entry.value === undefined ? "" : String(entry.value);
      const ok = value === "" || (def.type === "int" ? /^-?\d+$/.test(value) : def.type === "double" ? Number.isFinite(Number(value)) : def.type === "date" ? DATE.test(value) : true);
      if (!ok) return fail(400, "custom_fields", "wrong_type", `Custom field ${def.name} expects a ${def.type} value, got "${value}"`);
      out.set(def.id, { id: def.id, name: def.name, value, data_type: def.type });
    }
    return [...out.values()].sort((a, b) => a.id - b.id);
  }

  /** Checks a contact body (create or edit) and returns the contact it makes. */
  private contactFrom(body: Body, current?: SandboxContact): SandboxContact | Answer {
    for (const f of ["lastname", "firstname", "email", "cellphone", "language", "creation_date"])
      if (!isText(body[f])) return fail(400, f, "wrong_type", `${f} must be a string`);
    if (typeof body.email === "string" && body.email !== "" && !EMAIL.test(body.email)) return fail(400, "email", "wrong_email", `Email ${body.email} is not valid`);
    if (typeof body.creation_date === "string" && body.creation_date !== "" && !DATE.test(body.creation_date)) return fail(400, "creation_date", "wrong_value", "creation_date must be YYYY-MM-DD HH:MM:SS");
    const custom = this.customValues("contacts", body.custom_fields, current?.custom_fields);
    if (!Array.isArray(custom)) return custom;
    let lists = current?.lists ?? [];
    if (body.lists !== undefined && body.lists !== null) {
      if (!Array.isArray(body.lists)) return fail(400, "lists", "wrong_type", "lists must be an array");
      lists = [];
      for (const l of body.lists as Body[]) {
        const list = this.lists.find((x) => x.id === Number(l.id));
        if (!list) return fail(400, "list_id", "wrong_value", `list ${String(l.id)} does not exist`);
        lists.push(list);
      }
    }
    if (body.double_optin && lists.length === 0) return fail(400, "double_optin", "wrong_value", "Double opt-in needs at least one list");
    const text = (f: string, old = "") => (typeof body[f] === "string" ? (body[f] as string) : old);
    return {
      id: current?.id ?? this.nextContactId,
      lastname: text("lastname", current?.lastname),
      firstname: text("firstname", current?.firstname),
      email: text("email", current?.email),
      cellphone: text("cellphone", current?.cellphone),
      language: text("language", current?.language),
      creation_date: text("creation_date", current?.creation_date ?? now()),
      custom_fields: custom,
      lists,
    };
  }

  createContact(body: Body, bulk = false): Answer {
    const key = this.keyOf(body);
    if (!key) return fail(400, "contact_key", "wrong_contact_key", `Contact key ${this.uniqueKey} is empty`);
    if (this.contacts.has(key)) return fail(400, "id", "wrong_value", `${bulk ? "Contact" : "contact"} with unique key ${key} already exists`);
    const made = this.contactFrom(body);
    if (!("id" in made)) return made;
    this.nextContactId++;
    this.contacts.set(key, made);
    return { status: 201, body: made };
  }

  /** The contact a path names: by unique key, or by internal id when `key=internal_id`. */
  findContact(id: string, by: unknown): [string, SandboxContact] | undefined {
    if (by === "internal_id") return [...this.contacts].find(([, c]) => String(c.id) === id);
    const c = this.contacts.get(id);
    return c && [id, c];
  }

  editContact(id: string, body: Body, by: unknown): Answer {
    const found = this.findContact(id, body.key ?? by);
    if (!found) return fail(404, "id", "wrong_value", `Record not found for id {${id}}.`);
    const [key, current] = found;
    const sent = this.keyOf({ ...body, custom_fields: Array.isArray(body.custom_fields) ? body.custom_fields : [] });
    const names = this.uniqueKey === "email" || this.uniqueKey === "cellphone";
    if ((names ? body[this.uniqueKey] !== undefined : sent !== "") && sent !== key) return fail(400, this.uniqueKey, "wrong_value", `unique key "${this.uniqueKey}" can't be updated`);
    const made = this.contactFrom(body, current);
    if (!("id" in made)) return made;
    this.contacts.set(key, made);
    return { status: 200, body: made };
  }

  /** Bulk items: `{contact_id, code, description}` for each key. */
  bulkItems(keys: unknown[], act: (key: string) => Answer) {
    return keys.map((k) => {
      const a = act(String(k));
      const description = a.status < 300 ? "" : (a.body as { errors: { error_description: string }[] }).errors[0]!.error_description;
      return { contact_id: String(k), code: a.status, description };
    });
  }

  private salesFields(scope: "products" | "orders", body: Body, numbers: string[], current?: Body): { record: Body } | Answer {
    for (const f of numbers) if (body[f] !== undefined && body[f] !== null && typeof body[f] !== "number") return fail(400, f, "wrong_type", `${f} must be a number`);
    const custom = this.customValues(scope, body.custom_fields, current?.custom_fields as CustomValue[] | undefined);
    if (!Array.isArray(custom)) return custom;
    return { record: { ...current, ...body, custom_fields: custom, updated_at: now() } };
  }

  createProduct(body: Body): Answer {
    const id = body.external_id;
    if (typeof id !== "string" || id === "") return fail(400, "external_id", "wrong_value", "external_id is required");
    if (this.products.has(id)) return fail(400, "external_id", "already_exists", `Another product already exists with external_id ${id}.`);
    const made = this.salesFields("products", body, ["price"], { created_at: now() });
    if (!("record" in made)) return made;
    this.products.set(id, made.record as SandboxProduct);
    return { status: 201, body: made.record };
  }

  editProduct(id: string, body: Body): Answer {
    const current = this.products.get(id);
    if (!current) return fail(404, "ext_id", "wrong_value", "Product not found for given identifier.");
    const made = this.salesFields("products", { ...body, external_id: id }, ["price"], current);
    if (!("record" in made)) return made;
    this.products.set(id, made.record as SandboxProduct);
    return { status: 200, body: made.record };
  }

  private orderLines(input: unknown): Record<string, unknown>[] | Answer {
    if (!Array.isArray(input)) return fail(400, "products", "wrong_type", "products must be an array");
    for (const line of input as Body[])
      if (!this.products.has(String(line.product_id))) return fail(400, "product_id", "wrong_value", `Product not found for identifier {${String(line.product_id)}}`);
    return (input as Body[]).map((line) => ({ ...this.products.get(String(line.product_id)), ...line }));
  }

  /** Checks an order body against the contacts, stores and products the universe holds. */
  private orderFrom(body: Body, current?: SandboxOrder): SandboxOrder | Answer {
    const contact = body.contact_id ?? current?.contact_id;
    if (!this.contacts.has(String(contact))) return fail(400, "individual_id", "wrong_value", `Individual not found for identifier {${String(contact)}}`);
    const store = body.store_external_id ?? current?.store_external_id;
    if (!this.stores.has(String(store))) return fail(400, "store_external_id", "wrong_value", `Store not found for identifier {${String(store)}}`);
    if (body.completed !== undefined && typeof body.completed !== "boolean") return fail(400, "completed", "wrong_type", "completed must be a boolean");
    let lines = current?.products ?? [];
    if (body.products !== undefined && body.products !== null) {
      const checked = this.orderLines(body.products);
      if (!Array.isArray(checked)) return checked;
      lines = checked;
    }
    const made = this.salesFields("orders", body, ["discount_amount", "shipping_amount", "total_price", "tax_amount"], current ?? { created_at: now(), completed: true });
    if (!("record" in made)) return made;
    return { ...made.record, products: lines } as SandboxOrder;
  }

  createOrder(body: Body): Answer {
    for (const f of ["external_id", "contact_id", "store_external_id"])
      if (typeof body[f] !== "string" || body[f] === "") return fail(400, f, "wrong_value", `${f} is required`);
    const id = body.external_id as string;
    if (this.orders.has(id)) return fail(400, "external_id", "wrong_value", `Order with external_id ${id} already exists.`);
    const made = this.orderFrom(body);
    if (!("custom_fields" in made)) return made;
    this.orders.set(id, made);
    return { status: 201, body: this.orderView(made) };
  }

  editOrder(id: string, body: Body): Answer {
    const current = this.orders.get(id);
    if (!current) return fail(404, "ext_id", "wrong_value", "Order not found for given identifier.");
    const made = this.orderFrom({ ...body, external_id: id }, current);
    if (!("custom_fields" in made)) return made;
    this.orders.set(id, made);
    return { status: 200, body: this.orderView(made) };
  }

  /** An order as Splio shows it: with its contact and store. */
  orderView(o: SandboxOrder) {
    const c = this.contacts.get(o.contact_id);
    return { ...o, contact: c && { lastname: c.lastname, firstname: c.firstname, id: c.id, contact_id: o.contact_id }, store: this.stores.get(o.store_external_id) ?? null };
  }

  createStore(body: Body): Answer {
    if (typeof body.external_id !== "string" || !body.external_id || typeof body.name !== "string") return fail(400, "external_id", "wrong_value", "external_id and name are required");
    if (this.stores.has(body.external_id)) return fail(400, "external_id", "already_exists", `Another store already exists with external_id ${body.external_id}.`);
    const store = { external_id: body.external_id, name: body.name };
    this.stores.set(store.external_id, store);
    return { status: 201, body: store };
  }

  /** `GET /data/fields/{scope}` elements: the system ext_id, then the custom fields. */
  fieldElements(scope: Scope) {
    const system = { intid: null, id: 0, is_system: true, filling: 100, unique_values: 0, name: "ext_id", translation_key: "external_id", label: "External ID", field_key: "ext_id" };
    const custom = this.customFields[scope].map((f) => ({ intid: f.id, id: f.id, is_system: false, filling: 0, unique_values: 0, name: f.name, translation_key: f.name, label: f.name, field_key: f.name }));
    return [system, ...custom];
  }
}
