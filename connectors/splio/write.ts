/**
 * Writes to Splio: contacts through the bulk create (207, per-item codes) and single edits; products and
 * orders one call each (Splio has no bulk endpoint for them). Business retries: "already exists" → edit by
 * key, an edit that finds nothing → create; each earlier attempt is kept for the record log.
 */
import "server-only";
import { chunks, excerpt, pool, technicalFailure } from "../shared/api";
import type { DeliveryContext, EarlierAttempt, HttpResponse, RecordResult, WriteRecord } from "../types";
import { isAlreadyExists, splioCall, splioError, splioMessage } from "./client";
import type { SplioObject, SplioSecrets, SplioSettings } from "./config";
import { splioBody, type SplioFields } from "./fields";

export type Ctx = DeliveryContext<SplioSettings, SplioSecrets>;
export type WriteState = Pick<SplioFields, "custom">;

const CONCURRENCY = 4;
const BULK_MAX = 1_000;
const enc = encodeURIComponent;

const routes = {
  contacts: { create: "/data/contacts", edit: (k: string) => `/data/contacts/${enc(k)}`, remove: (k: string) => `/data/contacts/${enc(k)}` },
  products: { create: "/data/v1/products", edit: (k: string) => `/data/v1/products/${enc(k)}`, remove: (k: string) => `/data/products/${enc(k)}` },
  orders: { create: "/data/v1/orders", edit: (k: string) => `/data/v3/orders/${enc(k)}`, remove: (k: string) => `/data/orders/${enc(k)}` },
} satisfies Record<SplioObject, unknown>;

const call = (ctx: Ctx, method: string, path: string, body?: unknown) => splioCall(ctx, { method, path, body });
const object = (ctx: Ctx) => ctx.object as SplioObject;
/** Splio addresses every record by its key: the contact's unique key, the product's or order's external_id. */
const keyOf = (r: WriteRecord) => r.destinationId ?? r.key;
const failed = (r: WriteRecord, kind: "rejected" | "not_found" | "duplicate" | "technical", message: string, response?: { status: number; body: string }, earlier?: EarlierAttempt[]): RecordResult => ({
  key: r.key,
  status: "failed",
  kind,
  message,
  response,
  earlier,
});

/** Body of a create: every mapped field, the key included. */
const createBody = (ctx: Ctx, state: WriteState, r: WriteRecord) => splioBody(object(ctx), state, r.payload ?? {});
/** Body of an edit: the key is in the path, and Splio refuses to change it. */
const editBody = (ctx: Ctx, state: WriteState, r: WriteRecord) => splioBody(object(ctx), state, r.payload ?? {}, [ctx.key]);

/**
 * Creates or edits one record until it settles: edit when Splio holds it, create otherwise; a create refused
 * as "already exists" becomes an edit of that key, an edit answered 404 becomes a create.
 */
export async function upsertOne(ctx: Ctx, state: WriteState, r: WriteRecord, start: "create" | "update", earlier: EarlierAttempt[] = []): Promise<RecordResult> {
  const route = routes[object(ctx)];
  let op = start;
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (op === "update") {
        const a = await call(ctx, "PATCH", route.edit(keyOf(r)), editBody(ctx, state, r));
        if (a.status === 200) return { key: r.key, status: "ok", op: "update", destinationId: r.destinationId ? undefined : r.key, earlier };
        if (a.status !== 404) return failed(r, "rejected", splioMessage(a), excerpt(a), earlier);
        earlier.push({ op: "update", kind: "not_found", message: `${splioMessage(a)}: creating it again`, response: excerpt(a) });
        op = "create";
        continue;
      }
      const a = await call(ctx, "POST", route.create, createBody(ctx, state, r));
      if (a.status === 201 || a.status === 200) return { key: r.key, status: "ok", op: "create", destinationId: r.key, earlier };
      const error = splioError(a);
      if (a.status !== 400 || !isAlreadyExists(error?.error_description, error?.error)) return failed(r, "rejected", splioMessage(a), excerpt(a), earlier);
      earlier.push({ op: "create", kind: "duplicate", message: `${splioMessage(a)}: updating it`, response: excerpt(a) });
      op = "update";
    }
    return failed(r, "rejected", "Splio kept refusing this record (it exists, then it does not)", undefined, earlier);
  } catch (error) {
    return technicalFailure(r.key, error, earlier);
  }
}

/** One call for a single record to delete; a record Splio no longer holds is deleted already. */
async function deleteOne(ctx: Ctx, r: WriteRecord): Promise<RecordResult> {
  try {
    const a = await call(ctx, "DELETE", routes[object(ctx)].remove(keyOf(r)));
    if (a.status === 204 || a.status === 200 || a.status === 404) return { key: r.key, status: "ok", op: "delete" };
    return failed(r, "rejected", splioMessage(a), excerpt(a));
  } catch (error) {
    return technicalFailure(r.key, error);
  }
}

type BulkItem = { contact_id?: unknown; code?: unknown; description?: unknown };

/** A bulk answer's per-item result, matched by the key Splio echoes (exactly, else ignoring case). */
function itemsByKey(a: HttpResponse): (key: string) => BulkItem | undefined {
  const items = ((a.json as { items?: unknown } | undefined)?.items ?? []) as BulkItem[];
  const exact = new Map(items.filter((i) => i && typeof i === "object").map((i) => [String(i.contact_id), i]));
  const folded = new Map([...exact].map(([k, i]) => [k.toLowerCase(), i]));
  return (key) => exact.get(key) ?? folded.get(key.toLowerCase());
}

const itemResponse = (item: BulkItem) => ({ status: Number(item.code), body: JSON.stringify(item) });
const itemMessage = (item: BulkItem) => `${String(item.code)}: ${typeof item.description === "string" && item.description ? item.description : "refused"}`;

/** New contacts through POST /data/contacts/bulk; a payload Splio refuses as a whole is sent again one contact at a time. */
export async function createContacts(ctx: Ctx, state: WriteState, records: WriteRecord[]): Promise<RecordResult[]> {
  const results: RecordResult[] = [];
  // Splio answers a contact without its unique key with a 503 (an outage to the retry policy): refuse it here.
  const keyless = records.filter((r) => String(r.payload?.[ctx.key] ?? "").trim() === "");
  for (const r of keyless) results.push(failed(r, "rejected", `The unique key "${ctx.key}" is empty: Splio cannot create this contact`));
  for (const part of chunks(records.filter((r) => !keyless.includes(r)), BULK_MAX)) {
    let a: HttpResponse;
    try {
      a = await call(ctx, "POST", "/data/contacts/bulk", { contacts: part.map((r) => createBody(ctx, state, r)) });
    } catch (error) {
      results.push(...part.map((r) => technicalFailure(r.key, error)));
      continue;
    }
    if (a.status === 400) {
      results.push(...(await pool(part, CONCURRENCY, (r) => upsertOne(ctx, state, r, "create"))));
      continue;
    }
    if (a.status !== 207) {
      results.push(...part.map((r) => failed(r, "rejected", splioMessage(a), excerpt(a))));
      continue;
    }
    const itemOf = itemsByKey(a);
    const duplicates: [WriteRecord, EarlierAttempt][] = [];
    for (const r of part) {
      const item = itemOf(String(r.payload?.[ctx.key]));
      if (!item) results.push(failed(r, "technical", "Splio's bulk answer did not report on this contact", excerpt(a)));
      else if (item.code === 201 || item.code === 200) results.push({ key: r.key, status: "ok", op: "create", destinationId: r.key });
      else if (isAlreadyExists(item.description)) duplicates.push([r, { op: "create", kind: "duplicate", message: `${itemMessage(item)}: updating it`, response: itemResponse(item) }]);
      else results.push(failed(r, Number(item.code) >= 500 ? "technical" : "rejected", itemMessage(item), itemResponse(item)));
    }
    results.push(...(await pool(duplicates, CONCURRENCY, ([r, earlier]) => upsertOne(ctx, state, r, "update", [earlier]))));
  }
  return results;
}

/** Contacts through DELETE /data/contacts/bulk (207, or 400 with the same items when none exists). */
async function deleteContacts(ctx: Ctx, records: WriteRecord[]): Promise<RecordResult[]> {
  const results: RecordResult[] = [];
  for (const part of chunks(records, BULK_MAX)) {
    let a: HttpResponse;
    try {
      a = await call(ctx, "DELETE", "/data/contacts/bulk", { contacts: part.map(keyOf) });
    } catch (error) {
      results.push(...part.map((r) => technicalFailure(r.key, error)));
      continue;
    }
    const hasItems = Array.isArray((a.json as { items?: unknown } | undefined)?.items);
    if (!hasItems || (a.status !== 207 && a.status !== 400)) {
      results.push(...part.map((r) => failed(r, "rejected", splioMessage(a), excerpt(a))));
      continue;
    }
    const itemOf = itemsByKey(a);
    for (const r of part) {
      const item = itemOf(keyOf(r));
      const gone = item && (item.code === 204 || item.code === 200 || item.code === 404 || /not found/i.test(String(item.description)));
      results.push(gone ? { key: r.key, status: "ok", op: "delete" } : item ? failed(r, "rejected", itemMessage(item), itemResponse(item)) : failed(r, "technical", "Splio's bulk answer did not report on this contact", excerpt(a)));
    }
  }
  return results;
}

/** One batch: deletes, edits of records Splio holds, and creates of new ones. */
export async function writeBatch(ctx: Ctx, state: WriteState, records: WriteRecord[]): Promise<RecordResult[]> {
  const deletes = records.filter((r) => r.op === "delete");
  const known = records.filter((r) => r.op !== "delete" && r.destinationId);
  const fresh = records.filter((r) => r.op !== "delete" && !r.destinationId);
  const contacts = ctx.object === "contacts";
  return [
    ...(contacts ? await createContacts(ctx, state, fresh) : await pool(fresh, CONCURRENCY, (r) => upsertOne(ctx, state, r, "create"))),
    ...(await pool(known, CONCURRENCY, (r) => upsertOne(ctx, state, r, "update"))),
    ...(contacts ? await deleteContacts(ctx, deletes) : await pool(deletes, CONCURRENCY, (r) => deleteOne(ctx, r))),
  ];
}
