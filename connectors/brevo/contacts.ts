/**
 * Writing contacts: creates one POST /contacts each (Brevo has no batch create with per-contact results),
 * updates 100 at a time through POST /contacts/batch; contacts that leave are taken off the connection's
 * lists (lists.ts) or, on "delete_contact", deleted one DELETE each. Business retries: a create
 * refused as `duplicate_parameter` (no id in the answer) looks the contact up by the clashing identifier
 * and updates it; an update of a contact deleted in Brevo (`document_not_found`) creates it again.
 */
import { excerpt, pool, technicalFailure } from "../shared/api";
import type { DeliveryContext, EarlierAttempt, HttpResponse, RecordResult, WriteRecord } from "../types";
import { type AttributeTypes, type ContactBody, toContact } from "./attributes";
import { assertAuthorised, brevoCall, errorOf, isDuplicate, isNotFound, messageOf } from "./client";
import { type BrevoSecrets, type BrevoSettings, onLeaveOf } from "./config";
import { removeFromLists } from "./lists";

type Ctx = DeliveryContext<BrevoSettings, BrevoSecrets>;
type Prepared = { record: WriteRecord; body: ContactBody };

const CONCURRENCY = 4;
const ok = (a: HttpResponse) => a.status >= 200 && a.status < 300;
const call = (ctx: Ctx, method: string, path: string, body?: unknown) => brevoCall(ctx.http, ctx.connection, method, path, body);

/** How each identifier Brevo names in `metadata.duplicate_identifiers` is looked up (GET /contacts/{identifier}?identifierType=) [B2]. */
const IDENTIFIERS: Record<string, { type: string; value: (b: ContactBody) => unknown }> = {
  email: { type: "email_id", value: (b) => b.email },
  ext_id: { type: "ext_id", value: (b) => b.ext_id },
  sms: { type: "phone_id", value: (b) => b.attributes.SMS },
  whatsapp: { type: "whatsapp_id", value: (b) => b.attributes.WHATSAPP },
  landline_number: { type: "landline_number_id", value: (b) => b.attributes.LANDLINE_NUMBER },
};

/** The body of PUT /contacts/{id} and of one /contacts/batch entry: a new email goes in attributes.EMAIL [B2]. */
function updateBody(ctx: Ctx, b: ContactBody) {
  const listIds = ctx.connection.settings.listIds;
  return {
    attributes: b.email ? { ...b.attributes, EMAIL: b.email } : b.attributes,
    ...(b.ext_id ? { ext_id: b.ext_id } : {}),
    ...(b.emailBlacklisted !== undefined ? { emailBlacklisted: b.emailBlacklisted } : {}),
    ...(b.smsBlacklisted !== undefined ? { smsBlacklisted: b.smsBlacklisted } : {}),
    ...(listIds.length ? { listIds } : {}),
  };
}

const contactPath = (id: string, type = "contact_id") => `/contacts/${encodeURIComponent(id)}?identifierType=${type}`;

const failed = (key: string, kind: "duplicate" | "rejected" | "not_found", a: HttpResponse, earlier: EarlierAttempt[], message = messageOf(a)): RecordResult => ({
  key,
  status: "failed",
  kind,
  message,
  response: excerpt(a),
  earlier,
});

/** The one contact every clashing identifier belongs to, or why there is none. */
async function findExisting(ctx: Ctx, p: Prepared, refusal: HttpResponse): Promise<{ id: string } | { problem: string }> {
  const named = (errorOf(refusal).metadata?.duplicate_identifiers ?? []).map((n) => n.toLowerCase()).filter((n) => IDENTIFIERS[n]);
  const candidates = named.length ? named : Object.keys(IDENTIFIERS).filter((n) => IDENTIFIERS[n]!.value(p.body)).slice(0, 1);
  const ids = new Map<string, string>();
  for (const name of candidates) {
    const value = IDENTIFIERS[name]!.value(p.body);
    if (value === undefined) continue;
    const a = await call(ctx, "GET", contactPath(String(value), IDENTIFIERS[name]!.type));
    assertAuthorised(a);
    const id = (a.json as { id?: unknown } | undefined)?.id;
    if (a.status === 200 && id !== undefined) ids.set(name, String(id));
  }
  const distinct = [...new Set(ids.values())];
  if (distinct.length === 1) return { id: distinct[0]! };
  if (distinct.length > 1) return { problem: `The identifiers belong to different Brevo contacts (${[...ids].map(([n, id]) => `${n}: ${id}`).join(", ")}): merge them in Brevo first` };
  return { problem: `Brevo calls ${candidates.join(", ") || "an identifier"} a duplicate, but no contact was found by it` };
}

/** PUT /contacts/{id}: 204; 404 document_not_found → create (once: `created` marks an update that follows a create); 400 on an identifier clash → duplicate. */
async function updateOne(ctx: Ctx, p: Prepared, id: string, earlier: EarlierAttempt[], created = false): Promise<RecordResult> {
  const a = await call(ctx, "PUT", contactPath(id), updateBody(ctx, p.body));
  assertAuthorised(a);
  if (ok(a)) return { key: p.record.key, status: "ok", op: "update", destinationId: id, earlier };
  if (isNotFound(a) && !created) {
    earlier.push({ op: "update", kind: "not_found", message: `Brevo contact ${id} no longer exists (${messageOf(a)}): creating it again`, response: excerpt(a) });
    return createOne(ctx, p, earlier);
  }
  return failed(p.record.key, isDuplicate(a) ? "duplicate" : isNotFound(a) ? "not_found" : "rejected", a, earlier);
}

/** POST /contacts without updateEnabled: 201 {id}; 400 duplicate_parameter → look the contact up, then update it. */
async function createOne(ctx: Ctx, p: Prepared, earlier: EarlierAttempt[] = []): Promise<RecordResult> {
  const listIds = ctx.connection.settings.listIds;
  const a = await call(ctx, "POST", "/contacts", { ...p.body, ...(listIds.length ? { listIds } : {}), updateEnabled: false });
  assertAuthorised(a);
  const id = (a.json as { id?: unknown } | undefined)?.id;
  if (a.status === 201 && id !== undefined) return { key: p.record.key, status: "ok", op: "create", destinationId: String(id), earlier };
  if (!isDuplicate(a)) return failed(p.record.key, "rejected", a, earlier);
  const existing = await findExisting(ctx, p, a);
  if ("problem" in existing) return failed(p.record.key, "duplicate", a, earlier, `${messageOf(a)}. ${existing.problem}`);
  earlier.push({ op: "create", kind: "duplicate", message: `${messageOf(a)}: Brevo contact ${existing.id} has it, updating that contact`, response: excerpt(a) });
  return updateOne(ctx, p, existing.id, earlier, true);
}

/**
 * POST /contacts/batch by id: 204 means every contact was updated; any other refusal applies nothing
 * ("No contact found for indexes …" is all-or-nothing [B3, B6]), so the batch is split in halves down to
 * single PUTs, which say exactly which contact is gone or refused. A 207 names the ids that failed.
 */
async function updateBatch(ctx: Ctx, items: Prepared[]): Promise<RecordResult[]> {
  const single = (p: Prepared) => updateOne(ctx, p, p.record.destinationId!, []).catch((error) => technicalFailure(p.record.key, error));
  if (items.length === 1 || items.some((p) => !/^\d+$/.test(p.record.destinationId!))) return pool(items, CONCURRENCY, single);
  let a: HttpResponse;
  try {
    a = await call(ctx, "POST", "/contacts/batch", { contacts: items.map((p) => ({ id: Number(p.record.destinationId), ...updateBody(ctx, p.body) })) });
  } catch (error) {
    return items.map((p) => technicalFailure(p.record.key, error));
  }
  assertAuthorised(a);
  const done = (p: Prepared): RecordResult => ({ key: p.record.key, status: "ok", op: "update" });
  if (a.status === 204 || a.status === 200 || a.status === 201) return items.map(done);
  if (a.status === 207) {
    const succeeded = new Set(((a.json as { successIds?: unknown[] } | undefined)?.successIds ?? []).map(String));
    const rest = items.filter((p) => !succeeded.has(p.record.destinationId!));
    const retried = new Map((await pool(rest, CONCURRENCY, single)).map((r) => [r.key, r]));
    return items.map((p) => retried.get(p.record.key) ?? done(p));
  }
  const half = Math.ceil(items.length / 2);
  return [...(await updateBatch(ctx, items.slice(0, half))), ...(await updateBatch(ctx, items.slice(half)))];
}

/** DELETE /contacts/{id}: 204, or 404 (already gone); 405 for a contact Brevo will not delete. */
async function deleteOne(ctx: Ctx, record: WriteRecord): Promise<RecordResult> {
  const path = record.destinationId ? contactPath(record.destinationId) : contactPath(record.key, keyIdentifierType(ctx.key));
  try {
    const a = await call(ctx, "DELETE", path);
    assertAuthorised(a);
    if (ok(a) || a.status === 404) return { key: record.key, status: "ok", op: "delete" };
    return failed(record.key, "rejected", a, []);
  } catch (error) {
    return technicalFailure(record.key, error);
  }
}

/** How a contact is named by the sync's match key when its Brevo id is not known. */
export const keyIdentifierType = (key: string) => IDENTIFIERS[key.toLowerCase()]?.type ?? "email_id";

/** One batch of the run: every record gets one result. */
export async function writeContacts(ctx: Ctx, types: AttributeTypes, records: WriteRecord[]): Promise<RecordResult[]> {
  const rejected: RecordResult[] = [];
  const creates: Prepared[] = [];
  const updates: Prepared[] = [];
  for (const record of records) {
    if (record.op === "delete") continue;
    const made = toContact(record.payload ?? {}, types);
    if ("problem" in made) rejected.push({ key: record.key, status: "failed", kind: "rejected", message: made.problem });
    else (record.destinationId ? updates : creates).push({ record, body: made.body });
  }
  const leaving = records.filter((r) => r.op === "delete");
  return [
    ...rejected,
    ...(await pool(creates, CONCURRENCY, (p) => createOne(ctx, p).catch((error) => technicalFailure(p.record.key, error)))),
    ...(updates.length ? await updateBatch(ctx, updates) : []),
    ...(onLeaveOf(ctx.connection.settings) === "remove_from_lists"
      ? await removeFromLists(ctx, leaving, keyIdentifierType(ctx.key))
      : await pool(leaving, CONCURRENCY, (r) => deleteOne(ctx, r))),
  ];
}
