/**
 * The sandbox's org: records per object, the Recycle Bin, and the DML of sObject Collections as Salesforce
 * documents it — per-record `statusCode` errors in input order, whole-request errors as RequestError, and
 * allOrNone rollbacks.
 */
import { toId18 } from "./ids";
import { defaultOrg, type SandboxField, type SandboxObject } from "./sandbox-schema";

export type SfRecord = { Id: string } & Record<string, unknown>;
export type RecordError = { statusCode: string; message: string; fields: string[] };
export type ItemResult = { id?: string; success: boolean; errors: RecordError[]; created?: boolean };

/** A request refused as a whole: its HTTP status and top-level `errorCode`. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

const err = (statusCode: string, message: string, fields: string[] = []): RecordError => ({ statusCode, message, fields });
const fail = (e: RecordError): ItemResult => ({ success: false, errors: [e] });
const ROLLED_BACK = err("ALL_OR_NONE_OPERATION_ROLLED_BACK", "Record rolled back because not all records were valid and the request was using AllOrNone header");
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const NUMERIC = ["int", "long", "double", "currency", "percent"];
const TEXT = ["string", "textarea", "email", "phone", "url", "picklist", "multipicklist"];

type Parsed = { o: SandboxObject; id?: string; fields: Record<string, unknown> };
/** What one request changed, to undo it when allOrNone refuses, and which records it touched. */
type Tx = { undo: (() => void)[]; touched: Set<string> };

const blank = (v: unknown) => v === null || v === undefined || v === "";

function fitsJson(f: SandboxField, v: unknown): boolean {
  if (f.type === "boolean") return typeof v === "boolean";
  if (NUMERIC.includes(f.type)) return typeof v === "number" || (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)));
  if (f.type === "date") return typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v);
  if (f.type === "datetime") return typeof v === "string" && !Number.isNaN(Date.parse(v));
  return ["string", "number", "boolean"].includes(typeof v);
}

export class SandboxOrg {
  readonly objects: SandboxObject[];
  readonly live = new Map<string, SfRecord>();
  readonly bin = new Map<string, SfRecord>();
  /** When the metadata last changed (what describe's If-Modified-Since compares with): an org's schema is rarely minutes old. */
  schemaChangedAt = Date.now() - 3_600_000;
  /** A validation rule: a message refuses the record (FIELD_CUSTOM_VALIDATION_EXCEPTION). */
  validate?: (object: string, record: Record<string, unknown>) => string | undefined;
  private counter = 0;

  constructor(objects = defaultOrg()) {
    this.objects = objects;
  }

  object(name: string) {
    return this.objects.find((o) => o.name.toLowerCase() === name.toLowerCase());
  }

  records(objectName: string): SfRecord[] {
    const o = this.object(objectName);
    return o ? [...this.live.values()].filter((r) => r.Id.startsWith(o.keyPrefix)) : [];
  }

  private newId(o: SandboxObject) {
    let n = 7_654_321 + ++this.counter * 104_729;
    let digits = "";
    for (let i = 0; i < 9; i++, n = Math.floor(n / 62)) digits = BASE62[n % 62] + digits;
    return toId18(`${o.keyPrefix}Hs0${digits}`.slice(0, 15))!;
  }

  /** The record's type and fields by their API names; an unknown type or field, or a value of the wrong JSON type, refuses the whole request. */
  private parse(input: unknown, only?: SandboxObject): Parsed {
    const record = (input ?? {}) as Record<string, unknown>;
    const type = (record.attributes as { type?: unknown } | undefined)?.type;
    if (typeof type !== "string") throw new RequestError(400, "INVALID_TYPE", "Must send a concrete entity type.");
    const o = this.object(type);
    if (!o || (only && o !== only)) throw new RequestError(400, "INVALID_TYPE", `sObject type '${type}' is not supported.`);
    const parsed: Parsed = { o, fields: {} };
    for (const [name, value] of Object.entries(record)) {
      if (name === "attributes") continue;
      const f = o.fields.find((x) => x.name.toLowerCase() === name.toLowerCase());
      if (!f) throw new RequestError(400, "INVALID_FIELD", `No such column '${name}' on sobject of type ${o.name}`);
      if (value !== null && !fitsJson(f, value))
        throw new RequestError(400, "JSON_PARSER_ERROR", `Cannot deserialize instance of ${f.type} from VALUE_${typeof value === "string" ? "STRING" : "NUMBER_INT"} value ${String(value)} or request may be missing a required field`);
      if (f.name === "Id") parsed.id = String(value);
      else parsed.fields[f.name] = NUMERIC.includes(f.type) && value !== null ? Number(value) : value;
    }
    return parsed;
  }

  /** The record an id names: MALFORMED_ID for a bad format or another object's prefix, ENTITY_IS_DELETED in the bin, INVALID_CROSS_REFERENCE_KEY when never there. */
  private locate(o: SandboxObject, id: string, label = `${o.label} ID`): { record: SfRecord } | { error: RecordError } {
    const id18 = toId18(id);
    if (!id18 || !id18.startsWith(o.keyPrefix)) return { error: err("MALFORMED_ID", `${label}: id value of incorrect type: ${id}`, ["Id"]) };
    if (this.bin.has(id18)) return { error: err("ENTITY_IS_DELETED", "entity is deleted") };
    const record = this.live.get(id18);
    return record ? { record } : { error: err("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id") };
  }

  private sameValue(f: SandboxField, a: unknown, b: unknown) {
    if (blank(a) || blank(b)) return false;
    return f.caseSensitive ? String(a) === String(b) : String(a).toLowerCase() === String(b).toLowerCase();
  }

  /** Salesforce's per-record checks, first problem only. */
  private check(o: SandboxObject, fields: Record<string, unknown>, mode: "create" | "update", tx: Tx, self?: SfRecord): RecordError | undefined {
    const byName = (name: string) => o.fields.find((f) => f.name === name)!;
    const readOnly = Object.keys(fields).filter((name) => !(mode === "create" ? byName(name).createable : byName(name).updateable));
    if (readOnly.length)
      return err("INVALID_FIELD_FOR_INSERT_UPDATE", `Unable to create/update fields: ${readOnly.join(", ")}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, readOnly);
    const missing = o.fields
      .filter((f) => !f.nillable && f.createable && (mode === "create" ? !f.defaultedOnCreate && blank(fields[f.name]) : f.name in fields && blank(fields[f.name])))
      .map((f) => f.name);
    if (missing.length) return err("REQUIRED_FIELD_MISSING", `Required fields are missing: [${missing.join(", ")}]`, missing);
    for (const [name, value] of Object.entries(fields)) {
      const f = byName(name);
      if (blank(value)) continue;
      if (f.type === "email" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(String(value))) return err("INVALID_EMAIL_ADDRESS", `${f.label}: invalid email address: ${String(value)}`, [name]);
      if (TEXT.includes(f.type) && String(value).length > f.length) return err("STRING_TOO_LONG", `${f.label}: data value too large: ${String(value)} (max length=${f.length})`, [name]);
      if (f.type === "reference" && f.referenceTo[0] !== "User") {
        const target = this.object(f.referenceTo[0]!)!;
        const found = this.locate(target, String(value), f.label);
        if ("error" in found) return { ...found.error, fields: [name] };
      }
    }
    const rule = this.validate?.(o.name, { ...self, ...fields });
    if (rule) return err("FIELD_CUSTOM_VALIDATION_EXCEPTION", rule);
    for (const f of o.fields.filter((x) => x.unique && x.name in fields)) {
      const clash = this.records(o.name).find((r) => r.Id !== self?.Id && this.sameValue(f, r[f.name], fields[f.name]));
      if (!clash) continue;
      // A clash with a record of the same request names no one, as Salesforce does.
      return tx.touched.has(clash.Id)
        ? err("DUPLICATE_VALUE", "duplicate value found: <unknown> duplicates value on record with id: <unknown>")
        : err("DUPLICATE_VALUE", `duplicate value found: ${f.name} duplicates value on record with id: ${clash.Id.slice(0, 15)}`);
    }
    return undefined;
  }

  private insertRecord(o: SandboxObject, fields: Record<string, unknown>, tx: Tx): string {
    const id = this.newId(o);
    const record: SfRecord = { Id: id };
    for (const f of o.fields) if (f.fill) record[f.name] = f.fill();
    this.live.set(id, Object.assign(record, fields));
    tx.undo.push(() => this.live.delete(id));
    tx.touched.add(id);
    return id;
  }

  private updateRecord(record: SfRecord, fields: Record<string, unknown>, tx: Tx) {
    const before = { ...record };
    Object.assign(record, fields, { LastModifiedDate: new Date().toISOString().replace("Z", "+0000") });
    tx.undo.push(() => this.live.set(record.Id, before));
    tx.touched.add(record.Id);
  }

  private finish(results: ItemResult[], tx: Tx, allOrNone: boolean): ItemResult[] {
    if (!allOrNone || results.every((r) => r.success)) return results;
    tx.undo.reverse().forEach((undo) => undo());
    return results.map((r) => (r.success ? { ...(r.id ? { id: r.id } : {}), success: false, errors: [ROLLED_BACK] } : r));
  }

  create(inputs: unknown[], allOrNone: boolean): ItemResult[] {
    const parsed = inputs.map((i) => this.parse(i));
    const tx: Tx = { undo: [], touched: new Set() };
    const results = parsed.map((p): ItemResult => {
      if (p.id !== undefined) return fail(err("INVALID_FIELD_FOR_INSERT_UPDATE", "cannot specify Id in an insert call", ["Id"]));
      const problem = this.check(p.o, p.fields, "create", tx);
      return problem ? fail(problem) : { id: this.insertRecord(p.o, p.fields, tx), success: true, errors: [] };
    });
    return this.finish(results, tx, allOrNone);
  }

  update(inputs: unknown[], allOrNone: boolean): ItemResult[] {
    const parsed = inputs.map((i) => this.parse(i));
    const tx: Tx = { undo: [], touched: new Set() };
    const results = parsed.map((p): ItemResult => {
      if (!p.id) return fail(err("MISSING_ARGUMENT", "Id not specified in an update call"));
      const found = this.locate(p.o, p.id);
      if ("error" in found) return fail(found.error);
      const problem = this.check(p.o, p.fields, "update", tx, found.record);
      if (problem) return fail(problem);
      this.updateRecord(found.record, p.fields, tx);
      return { id: found.record.Id, success: true, errors: [] };
    });
    return this.finish(results, tx, allOrNone);
  }

  upsert(objectName: string, fieldName: string, inputs: unknown[], allOrNone: boolean): ItemResult[] {
    const o = this.object(objectName);
    if (!o) throw new RequestError(404, "NOT_FOUND", "The requested resource does not exist");
    const key = o.fields.find((f) => f.name.toLowerCase() === fieldName.toLowerCase());
    if (!key) throw new RequestError(404, "NOT_FOUND", `Provided external ID field does not exist or is not accessible: ${fieldName}`);
    if (!key.externalId && key.name !== "Id") throw new RequestError(400, "INVALID_FIELD", `Field name provided, ${key.name} is not an External ID or indexed field for ${o.name}`);
    const parsed = inputs.map((i) => this.parse(i, o));
    const tx: Tx = { undo: [], touched: new Set() };
    const results = parsed.map((p): ItemResult => {
      const value = key.name === "Id" ? p.id : p.fields[key.name];
      if (blank(value)) return { ...fail(err("MISSING_ARGUMENT", `${key.name} not specified`)), created: false };
      const matches = key.name === "Id" ? [this.live.get(toId18(String(value)) ?? "")].filter((r): r is SfRecord => Boolean(r)) : this.records(o.name).filter((r) => this.sameValue(key, r[key.name], value));
      if (matches.length > 1)
        return { ...fail(err("DUPLICATE_EXTERNAL_ID", `${key.name}: more than one record found for external id field: [${matches.map((m) => m.Id).join(", ")}]`)), created: false };
      const problem = this.check(o, p.fields, matches.length ? "update" : "create", tx, matches[0]);
      if (problem) return { ...fail(problem), created: false };
      if (matches[0]) {
        this.updateRecord(matches[0], p.fields, tx);
        return { id: matches[0].Id, success: true, errors: [], created: false };
      }
      return { id: this.insertRecord(o, p.fields, tx), success: true, errors: [], created: true };
    });
    return this.finish(results, tx, allOrNone);
  }

  delete(ids: string[], allOrNone: boolean): ItemResult[] {
    const tx: Tx = { undo: [], touched: new Set() };
    const results = ids.map((id): ItemResult => {
      const id18 = toId18(id);
      const o = id18 && this.objects.find((x) => id18.startsWith(x.keyPrefix));
      if (!id18 || !o) return fail(err("MALFORMED_ID", `malformed id ${id}`));
      const found = this.locate(o, id18);
      if ("error" in found) return fail(found.error);
      this.remove(found.record.Id);
      tx.undo.push(() => this.restore(found.record.Id));
      return { id: found.record.Id, success: true, errors: [] };
    });
    return this.finish(results, tx, allOrNone);
  }

  /** Moves a record to the Recycle Bin, as a user deleting it in Salesforce would. */
  remove(id: string) {
    const record = this.live.get(id);
    if (!record) return false;
    this.live.delete(id);
    this.bin.set(id, record);
    return true;
  }

  private restore(id: string) {
    const record = this.bin.get(id);
    this.bin.delete(id);
    if (record) this.live.set(id, record);
  }
}
