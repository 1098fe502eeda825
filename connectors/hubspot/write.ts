/**
 * Writes a batch of records through HubSpot's batch endpoints and reads back each record's outcome. HubSpot
 * answers in no particular order: each input carries an `objectWriteTraceId`, and results are matched by
 * it (or by the id / unique value they echo). Business retries happen here: an update of a record HubSpot no
 * longer has is upserted again; a contact that already exists (409 "Existing ID: N") becomes an update of N.
 * New records are only ever upserted on the unique match property, so a replayed call creates no duplicate.
 */
import "server-only";
import { excerpt, isRunFatal, technicalFailure } from "../shared/api";
import { DestinationConfigError, type DeliveryContext, type DestinationResponse, type EarlierAttempt, type ErrorKind, type HttpResponse, type RecordResult, type WriteRecord } from "../types";
import { assertAuthorised, assertUniqueMatch, errorOf, existingIdOf, type HubspotError, hubspotRequest } from "./client";
import type { HubspotSecrets, HubspotSettings } from "./config";
import { type HubspotProperty, hubspotValue, isUniqueProperty, isWritable, type ValueKind, valueKind } from "./properties";

type Ctx = DeliveryContext<HubspotSettings, HubspotSecrets>;
type Op = "update" | "upsert";

/** What a run keeps between steps: how each mapped property's values travel. */
export type HubspotState = { kinds: Record<string, ValueKind> };

type Item = { record: WriteRecord; properties: Record<string, string>; earlier: EarlierAttempt[]; id?: string };
type Verdict =
  | { item: Item; kind: "ok"; id: string; isNew?: boolean }
  | { item: Item; kind: "refused"; error: HubspotError; response: DestinationResponse; existingId?: string }
  | { item: Item; kind: "technical"; error: unknown };
type BatchResult = { id?: unknown; new?: boolean; objectWriteTraceId?: unknown; properties?: Record<string, unknown> };

const lower = (v: unknown) => (v === undefined || v === null ? "" : String(v).trim().toLowerCase());
const plural = (names: string[], one: string, many: string) => `${names.length > 1 ? many : one} ${names.map((n) => `"${n}"`).join(", ")}`;

/** Checks the sync's fields against HubSpot's properties once per run, and notes how to send each. */
export function deliveryState(ctx: Pick<Ctx, "object" | "fields" | "key">, properties: HubspotProperty[]): HubspotState {
  const byName = new Map(properties.map((p) => [p.name, p]));
  const unknown = ctx.fields.filter((f) => !byName.has(f));
  if (unknown.length) throw new DestinationConfigError(`HubSpot ${ctx.object} have no ${plural(unknown, "property", "properties")} (deleted or renamed in HubSpot?): fix the sync's mapping`);
  const readOnly = ctx.fields.filter((f) => !isWritable(byName.get(f)!));
  if (readOnly.length) throw new DestinationConfigError(`HubSpot does not let apps write the read-only ${plural(readOnly, "property", "properties")} of ${ctx.object}: remove ${readOnly.length > 1 ? "them" : "it"} from the mapping`);
  // batch/create is not safe to replay (a re-sent POST makes a second record): only a unique property is upserted on.
  if (!isUniqueProperty(ctx.object, byName.get(ctx.key)!))
    throw new DestinationConfigError(`${ctx.object}.${ctx.key} is no longer a unique property in HubSpot: make it unique or match on another`);
  return { kinds: Object.fromEntries(ctx.fields.map((f) => [f, valueKind(byName.get(f))])) };
}

/** "Property values were not valid: [{…"name":"email","message":"…"}]" → "Property values were not valid: email: …" */
export function messageOf(error: HubspotError): string {
  const message = error.message ?? "HubSpot refused the record";
  const list = message.match(/^(Property values were not valid): (\[.*\])$/s);
  let text = message;
  if (list)
    try {
      const problems = JSON.parse(list[2]!) as { name?: string; message?: string; error?: string }[];
      text = `${list[1]}: ${problems.map((p) => `${p.name ?? "?"}: ${p.message ?? p.error ?? "invalid"}`).join("; ")}`;
    } catch {
      text = message;
    }
  return error.category ? `${error.category}: ${text}` : text;
}

const kindOf = (error: HubspotError): ErrorKind => (error.category === "OBJECT_NOT_FOUND" ? "not_found" : error.category === "CONFLICT" ? "duplicate" : "rejected");

/** What HubSpot echoes of an input in results and in `context.ids`: the record id for updates, else the match property's value. */
const echoOf = (ctx: Ctx, op: Op, item: Item) => (op === "update" ? lower(item.id) : lower(item.properties[ctx.key]));

function inputOf(ctx: Ctx, op: Op, item: Item) {
  if (op === "update") return { id: item.id, properties: item.properties };
  return { idProperty: ctx.key, id: item.properties[ctx.key], properties: item.properties };
}

/** Matches a 2xx answer's results and errors to the inputs, whatever their order. */
function settle(ctx: Ctx, op: Op, items: Item[], answer: HttpResponse): Verdict[] {
  const body = (answer.json ?? {}) as { results?: BatchResult[]; errors?: HubspotError[] };
  const byTrace = new Map(items.map((item, i) => [String(i), item]));
  const byEcho = new Map(items.map((item) => [echoOf(ctx, op, item), item]));
  const verdicts = new Map<Item, Verdict>();
  for (const r of Array.isArray(body.results) ? body.results : []) {
    const item = byTrace.get(String(r.objectWriteTraceId)) ?? byEcho.get(op === "update" ? lower(r.id) : lower(r.properties?.[ctx.key]));
    if (item && r.id !== undefined && r.id !== null) verdicts.set(item, { item, kind: "ok", id: String(r.id), isNew: r.new });
  }
  for (const error of Array.isArray(body.errors) ? body.errors : []) {
    const named = [...(error.context?.objectWriteTraceId ?? []).map((t) => byTrace.get(String(t))), ...(error.context?.ids ?? []).map((id) => byEcho.get(lower(id)))];
    const response = { status: answer.status, body: JSON.stringify(error).slice(0, 2_000) };
    for (const item of named) if (item && !verdicts.has(item)) verdicts.set(item, { item, kind: "refused", error, response });
  }
  const unmentioned = Object.assign(new Error(`HubSpot's answer (${answer.status}) did not mention this record`), { response: answer });
  return items.map((item) => verdicts.get(item) ?? { item, kind: "technical", error: unmentioned });
}

/** The contacts HubSpot holds under these inputs' emails (batch read by email). */
async function contactsByEmail(ctx: Ctx, items: Item[]): Promise<Map<Item, string>> {
  const emails = [...new Set(items.map((i) => lower(i.properties.email)).filter(Boolean))];
  if (emails.length === 0) return new Map();
  const body = { inputs: emails.map((id) => ({ id })), idProperty: "email", properties: ["email"] };
  const answer = await ctx.http(hubspotRequest(ctx.connection, "POST", "/crm/v3/objects/contacts/batch/read", body)).catch((error: unknown) => {
    if (isRunFatal(error)) throw error;
    return undefined;
  });
  if (!answer || answer.status >= 300) return new Map();
  const results = ((answer.json ?? {}) as { results?: BatchResult[] }).results ?? [];
  const owner = new Map(results.map((r) => [lower(r.properties?.email), String(r.id)]));
  return new Map(items.flatMap((i) => (owner.has(lower(i.properties.email)) ? [[i, owner.get(lower(i.properties.email))!] as const] : [])));
}

/**
 * A whole call refused (HubSpot's all-or-nothing answer names at most the first bad input): contacts whose
 * email exists are found by a batch read, and the rest is sent again; otherwise each input goes alone.
 */
async function refusedCall(ctx: Ctx, op: Op, items: Item[], answer: HttpResponse, depth: number): Promise<Verdict[]> {
  const error = errorOf(answer);
  const response = excerpt(answer);
  if (items.length === 1 || ![400, 409, 422].includes(answer.status)) return items.map((item) => ({ item, kind: "refused", error, response }));
  if (answer.status === 409 && op !== "update" && ctx.object === "contacts" && depth === 0) {
    const owners = await contactsByEmail(ctx, items);
    if (owners.size) {
      const named = existingIdOf(error.message);
      const clashes: Verdict[] = [...owners].map(([item, existingId]) => ({
        item,
        kind: "refused",
        error: existingId === named ? error : { ...error, message: `Contact already exists (found by its email after HubSpot refused the batch). Existing ID: ${existingId}` },
        response,
        existingId,
      }));
      return [...clashes, ...(await send(ctx, op, items.filter((i) => !owners.has(i)), depth + 1))];
    }
  }
  const verdicts: Verdict[] = [];
  for (const item of items) verdicts.push(...(await send(ctx, op, [item], depth + 1)));
  return verdicts;
}

/** One batch call (≤ 100 inputs, each with its trace id) and each input's verdict. */
async function send(ctx: Ctx, op: Op, items: Item[], depth = 0): Promise<Verdict[]> {
  if (items.length === 0) return [];
  const inputs = items.map((item, i) => ({ ...inputOf(ctx, op, item), objectWriteTraceId: String(i) }));
  let answer: HttpResponse;
  try {
    answer = await ctx.http(hubspotRequest(ctx.connection, "POST", `/crm/v3/objects/${ctx.object}/batch/${op}`, { inputs }));
  } catch (error) {
    if (isRunFatal(error)) throw error;
    return items.map((item) => ({ item, kind: "technical", error }));
  }
  assertAuthorised(answer, `${op === "upsert" ? "create or update" : op} ${ctx.object}`);
  if (op === "upsert") assertUniqueMatch(answer, ctx.key);
  if (answer.status >= 200 && answer.status < 300) return settle(ctx, op, items, answer);
  return refusedCall(ctx, op, items, answer, depth);
}

const earlierOf = (item: Item) => (item.earlier.length ? item.earlier : undefined);

function ok(item: Item, op: "create" | "update", id: string): RecordResult {
  const destinationId = op === "update" && id === item.record.destinationId ? undefined : id;
  return { key: item.record.key, status: "ok", op, destinationId, earlier: earlierOf(item) };
}

function failed(v: Exclude<Verdict, { kind: "ok" }>): RecordResult {
  if (v.kind === "technical") return technicalFailure(v.item.record.key, v.error, earlierOf(v.item));
  const existingId = v.existingId ?? existingIdOf(v.error.message);
  return { key: v.item.record.key, status: "failed", kind: kindOf(v.error), message: messageOf(v.error), existingId, response: v.response, earlier: earlierOf(v.item) };
}

async function archive(ctx: Ctx, items: Item[]): Promise<RecordResult[]> {
  const known = items.filter((i) => i.id);
  if (known.length) {
    let answer: HttpResponse;
    try {
      answer = await ctx.http(hubspotRequest(ctx.connection, "POST", `/crm/v3/objects/${ctx.object}/batch/archive`, { inputs: known.map((i) => ({ id: i.id })) }));
    } catch (error) {
      return items.map((i) => technicalFailure(i.record.key, error));
    }
    assertAuthorised(answer, `archive ${ctx.object}`);
    if (answer.status >= 300) return items.map((i) => ({ key: i.record.key, status: "failed", kind: "rejected", message: messageOf(errorOf(answer)), response: excerpt(answer) }));
  }
  // HubSpot archives idempotently (204 for ids already gone); a record never confirmed has nothing to archive.
  return items.map((i) => ({ key: i.record.key, status: "ok", op: "delete" }));
}

export async function writeRecords(ctx: Ctx, state: HubspotState, records: WriteRecord[]): Promise<RecordResult[]> {
  const results: RecordResult[] = [];
  const items: Item[] = records.map((record) => ({
    record,
    earlier: [],
    id: record.destinationId ?? undefined,
    properties: Object.fromEntries(Object.entries(record.payload ?? {}).map(([name, value]) => [name, hubspotValue(value, state.kinds[name] ?? "string")])),
  }));
  const writes = items.filter((i) => i.record.op !== "delete");
  const fresh = writes.filter((i) => !i.id);

  // Known records are updated by their HubSpot id; one HubSpot no longer has is upserted again.
  for (const v of await send(ctx, "update", writes.filter((i) => i.id))) {
    if (v.kind === "ok") results.push(ok(v.item, "update", v.id));
    else if (v.kind === "refused" && v.error.category === "OBJECT_NOT_FOUND") {
      v.item.earlier.push({ op: "update", kind: "not_found", message: `HubSpot no longer has ${v.item.id} (${messageOf(v.error)}): creating it again`, response: v.response });
      v.item.id = undefined;
      fresh.push(v.item);
    } else results.push(failed(v));
  }

  // New records are upserted on the unique match property; a contact that already exists under its email is updated instead.
  const clashes: Item[] = [];
  for (const v of await send(ctx, "upsert", fresh)) {
    if (v.kind === "ok") results.push(ok(v.item, v.isNew === false ? "update" : "create", v.id));
    else if (v.kind === "refused" && v.error.category === "CONFLICT" && (v.existingId ?? existingIdOf(v.error.message))) {
      const existingId = (v.existingId ?? existingIdOf(v.error.message))!;
      v.item.earlier.push({ op: "upsert", kind: "duplicate", message: `${messageOf(v.error)}: updating ${existingId}`, response: v.response });
      v.item.id = existingId;
      clashes.push(v.item);
    } else results.push(failed(v));
  }
  for (const v of await send(ctx, "update", clashes)) results.push(v.kind === "ok" ? ok(v.item, "update", v.id) : failed(v));

  results.push(...(await archive(ctx, items.filter((i) => i.record.op === "delete"))));
  return results;
}
