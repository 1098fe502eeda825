/** Writing a run's records through sObject Collections, with Salesforce's business retries. */
import "server-only";
import { chunks, excerpt, isRunFatal, technicalFailure } from "../shared/api";
import {
  type DeliveryContext,
  DestinationConfigError,
  type EarlierAttempt,
  type HttpResponse,
  QuotaExhausted,
  type RecordResult,
  type WriteOp,
  type WriteRecord,
} from "../types";
import { classify, type CollectionResult, errorText, firstError } from "./answers";
import { assertPermitted, describeObject, isApiName, sfCall } from "./client";
import type { SalesforceSecrets, SalesforceSettings } from "./config";
import { salesforceFields } from "./values";

type Ctx = DeliveryContext<SalesforceSettings, SalesforceSecrets>;

/**
 * How this run writes: upserts on an external ID field, or creates and updates by Id; the describe type of
 * each mapped field (lowercased names) its values are converted to; why it stopped, if it did.
 */
export type SalesforceState = { keyField: string; upsertField?: string; types?: Record<string, string>; stopped?: { message: string; quota: boolean } };

type Op = WriteOp;
/** A record on its way: the operation to try and its fields as Salesforce reads them. */
type Pending = { record: WriteRecord; op: Op; id?: string; fields?: Record<string, unknown> };
type Outcome = { result: RecordResult } | { retry: Pending; earlier: EarlierAttempt };

const COLLECTION_SIZE = 200;
const MAX_ROUNDS = 3;
const ORDER: Op[] = ["delete", "upsert", "update", "create"];
// A 400 with these concerns the request, not one record's values: every part of it would be refused alike.
const REQUEST_WIDE = new Set(["INVALID_FIELD", "INVALID_TYPE", "EXCEEDED_ID_LIMIT", "MISSING_ARGUMENT"]);

/** Reads the object's describe once per run: the match key decides how records are written; missing fields stop the run before any write. */
export async function beginWriting(ctx: Ctx): Promise<SalesforceState> {
  const d = await describeObject(ctx, ctx.object);
  if (!d) throw new DestinationConfigError(`Salesforce has no object "${ctx.object}" that the integration user can see`);
  const fields = new Map(d.fields.map((f) => [f.name.toLowerCase(), f]));
  const missing = ctx.fields.filter((name) => !fields.has(name.toLowerCase()));
  if (missing.length) throw new DestinationConfigError(`${ctx.object} has no field ${missing.join(", ")} that the integration user can see: it was deleted, renamed or hidden from the user`);
  const key = fields.get(ctx.key.toLowerCase())!;
  if (key.name !== "Id" && !key.externalId && !key.unique) throw new DestinationConfigError(`${ctx.object}.${key.name} is no longer unique nor an external ID: pick another match key`);
  const types = Object.fromEntries(ctx.fields.map((name) => [name.toLowerCase(), fields.get(name.toLowerCase())!.type]));
  return { keyField: key.name, ...(key.externalId ? { upsertField: key.name } : {}), types };
}

export function assertNotStopped(state: SalesforceState) {
  if (state.stopped) throw state.stopped.quota ? new QuotaExhausted(state.stopped.message) : new DestinationConfigError(state.stopped.message);
}

/** The first operation to try; a record whose values Salesforce could not read fails here, unsent. */
function firstAttempt(record: WriteRecord, state: SalesforceState): Pending | RecordResult {
  if (record.op === "delete") return record.destinationId ? { record, op: "delete", id: record.destinationId } : { key: record.key, status: "ok", op: "delete" };
  const read = salesforceFields(record.payload ?? {}, state.types);
  if ("problem" in read) return { key: record.key, status: "failed", kind: "rejected", message: read.problem };
  const { fields } = read;
  if (state.upsertField) return { record, fields, op: "upsert" };
  if (state.keyField === "Id") return { record, fields, op: "update", id: record.key };
  return record.destinationId ? { record, fields, op: "update", id: record.destinationId } : { record, fields, op: "create" };
}

/** The record as Salesforce takes it: its type, its fields, and `id` only for an update. */
function sobject(type: string, p: Pending) {
  const fields = Object.fromEntries(Object.entries(p.fields ?? {}).filter(([name]) => name.toLowerCase() !== "id"));
  return { attributes: { type }, ...fields, ...(p.op === "update" ? { id: p.id } : {}) };
}

function outcome(p: Pending, item: CollectionResult, state: SalesforceState): Outcome {
  const key = p.record.key;
  const response = { status: 200, body: JSON.stringify(item) };
  if (item.success) {
    if (p.op === "delete") return { result: { key, status: "ok", op: "delete" } };
    const op = p.op === "upsert" ? (item.created ? "create" : "update") : p.op;
    return { result: { key, status: "ok", op, destinationId: item.id ?? p.id } };
  }
  const f = classify(item);
  // Deleting a record that is already gone leaves what was asked.
  if (p.op === "delete" && f.kind === "not_found") return { result: { key, status: "ok", op: "delete" } };
  // Only a clash on the match key names this record's own copy; another unique field names someone else's record.
  if (f.kind === "duplicate" && f.existingId && p.op === "create" && f.field?.toLowerCase() === state.keyField.toLowerCase())
    return { retry: { ...p, op: "update", id: f.existingId }, earlier: { op: p.op, kind: "duplicate", message: `${f.message}: updating ${f.existingId}`, response } };
  if (f.kind === "duplicate" && f.existingId) {
    const other = f.field && f.field.toLowerCase() !== state.keyField.toLowerCase() ? `, not of the match key ${state.keyField}` : "";
    return { result: { key, status: "failed", kind: "duplicate", message: `${f.message}: ${f.existingId} holds this value of ${f.field ?? "a unique field"}${other}; it was left unchanged`, existingId: f.existingId, response } };
  }
  if (f.kind === "not_found" && p.op === "update" && state.keyField !== "Id")
    return { retry: { ...p, op: "create", id: undefined }, earlier: { op: "update", kind: "not_found", message: `${f.message}: the record ${p.id} is gone, creating it again`, response } };
  const gone = f.kind === "not_found" && p.op === "update" ? ": a sync matching on Id cannot create it again" : "";
  return { result: { key, status: "failed", kind: f.kind, message: f.message + gone, existingId: f.existingId, response } };
}

/**
 * One collection request for up to 200 records of one operation; an outcome per record, in input order. A
 * request refused as a whole for a value Salesforce could not read is sent again in halves, down to the one
 * record that fails with Salesforce's message.
 */
async function send(ctx: Ctx, state: SalesforceState, op: Op, group: Pending[]): Promise<Outcome[]> {
  let a: HttpResponse;
  try {
    a =
      op === "delete"
        ? await sfCall(ctx, { method: "DELETE", path: `/composite/sobjects?ids=${group.map((p) => p.id).join(",")}&allOrNone=false` })
        : await sfCall(ctx, {
            method: op === "create" ? "POST" : "PATCH",
            path: op === "upsert" ? `/composite/sobjects/${ctx.object}/${state.upsertField}` : "/composite/sobjects",
            body: { allOrNone: false, records: group.map((p) => sobject(ctx.object, p)) },
          });
  } catch (error) {
    return group.map((p) => ({ result: technicalFailure(p.record.key, error) }));
  }
  assertPermitted(a, `the ${op} of ${ctx.object} records`);
  if (a.status === 200 && Array.isArray(a.json) && a.json.length === group.length) return (a.json as CollectionResult[]).map((item, i) => outcome(group[i]!, item, state));
  if (a.status === 400 && !REQUEST_WIDE.has(firstError(a)?.errorCode ?? "")) {
    if (group.length === 1) return [{ result: { key: group[0]!.record.key, status: "failed", kind: "rejected", message: `Salesforce refused the record: ${errorText(a)}`, response: excerpt(a) } }];
    const half = Math.ceil(group.length / 2);
    return [...(await send(ctx, state, op, group.slice(0, half))), ...(await send(ctx, state, op, group.slice(half)))];
  }
  // Refused as a whole (a field Salesforce does not know, too many records) or a 200 that does not add up: every record fails with the reason.
  const message = a.status === 200 ? `Salesforce answered ${Array.isArray(a.json) ? a.json.length : "no"} results for ${group.length} records` : `Salesforce refused the ${op} request: ${errorText(a)}`;
  return group.map((p) => ({ result: { key: p.record.key, status: "failed", kind: a.status === 200 ? "technical" : "rejected", message, response: excerpt(a) } }));
}

/**
 * Writes a batch: each operation as collection requests, then the business retries as further rounds — a
 * create refused with DUPLICATE_VALUE on the match key updates the record Salesforce named, an update of a
 * record that is gone creates it again. When the run must stop (quota spent, session refused) after some records
 * went through, those are kept, the rest fail, and the next write or the commit stops the run.
 */
export async function writeRecords(ctx: Ctx, state: SalesforceState, records: WriteRecord[]): Promise<{ results: RecordResult[]; state: SalesforceState }> {
  assertNotStopped(state);
  const results = new Map<string, RecordResult>();
  const earlier = new Map<string, EarlierAttempt[]>();
  let pending: Pending[] = [];
  for (const record of records) {
    const first = firstAttempt(record, state);
    if ("status" in first) results.set(record.key, first);
    else pending.push(first);
  }
  let next = state;
  try {
    for (let round = 0; pending.length && round < MAX_ROUNDS; round++) {
      const retries: Pending[] = [];
      for (const op of ORDER)
        for (const group of chunks(pending.filter((p) => p.op === op), COLLECTION_SIZE)) {
          const outcomes = await send(ctx, state, op, group);
          group.forEach((p, i) => {
            const o = outcomes[i]!;
            if ("result" in o) return results.set(p.record.key, { ...o.result, earlier: earlier.get(p.record.key) });
            earlier.set(p.record.key, [...(earlier.get(p.record.key) ?? []), o.earlier]);
            retries.push(o.retry);
          });
        }
      pending = retries;
    }
    for (const p of pending) {
      const tries = earlier.get(p.record.key)!;
      results.set(p.record.key, { key: p.record.key, status: "failed", kind: tries.at(-1)!.kind, message: `Salesforce kept refusing the record: ${tries.at(-1)!.message}`, earlier: tries });
    }
  } catch (error) {
    if (!isRunFatal(error) || ![...results.values()].some((r) => r.status === "ok")) throw error;
    const message = (error as Error).message;
    next = { ...state, stopped: { message, quota: error instanceof QuotaExhausted } };
    for (const r of records) if (!results.has(r.key)) results.set(r.key, { key: r.key, status: "failed", kind: "technical", message, earlier: earlier.get(r.key) });
  }
  return { results: records.map((r) => results.get(r.key)!), state: next };
}

/** Every record of the object that has a value for the match key, by SOQL, page after page (nextRecordsUrl). */
export async function* readRecords(ctx: Ctx): AsyncIterable<{ destinationId: string; key: string }[]> {
  if (ctx.key.toLowerCase() === "id")
    throw new DestinationConfigError(`A replace deletes the ${ctx.object} records it reads back; matching on Id would read every one of them: match on an external ID field`);
  if (!isApiName(ctx.object) || !isApiName(ctx.key)) throw new DestinationConfigError(`"${ctx.object}.${ctx.key}" is not a Salesforce API name`);
  let path = `/query?q=${encodeURIComponent(`SELECT Id, ${ctx.key} FROM ${ctx.object} WHERE ${ctx.key} != null`)}`;
  const keyOf = (r: Record<string, unknown>) => Object.entries(r).find(([name]) => name.toLowerCase() === ctx.key.toLowerCase())?.[1];
  for (let seen = 0; ; ) {
    const a = await sfCall(ctx, { method: "GET", path });
    assertPermitted(a, `reading ${ctx.object} records`);
    if (a.status !== 200) throw new DestinationConfigError(`Reading back the ${ctx.object} records failed: ${errorText(a)}`);
    const page = a.json as { totalSize?: number; done: boolean; nextRecordsUrl?: string; records: Record<string, unknown>[] };
    yield page.records.map((r) => ({ destinationId: String(r.Id), key: String(keyOf(r)) }));
    seen += page.records.length;
    // A replace never acts on part of the records: the query goes on while Salesforce says it is not done.
    if (page.done && (page.totalSize === undefined || seen >= page.totalSize)) return;
    if (page.done || !page.nextRecordsUrl)
      throw new DestinationConfigError(`Salesforce returned ${seen} of the ${page.totalSize ?? "?"} ${ctx.object} records the read-back queried, without a link to the rest: stopped rather than act on part of them`);
    path = page.nextRecordsUrl;
  }
}
