/**
 * Creates through the HTTP API: one record per request, or arrays to a batch endpoint whose answer is read
 * record by record (each result's own status, id, or the existing id of a duplicate), paired with the
 * records by position or by the key each result names. A batch the API refuses as a whole is sent again
 * one record at a time; a lone record goes as a one-element array, or as an object to `singlePath`.
 */
import "server-only";
import { chunks, excerpt, isRunFatal } from "../shared/api";
import type { DestinationResponse, ErrorKind, WriteRecord } from "../types";
import { atPointer, type HttpApiSettings } from "./config";
import { type Answer, assertAuthorised, call, type Ctx, fill, messageOf, succeeded } from "./calls";

/** What one create came to: created (with the API's id when its answer gave one), already there (with its id), or refused. */
export type CreateOutcome =
  | { status: "created"; id?: string }
  | { status: "exists"; existingId: string; response: DestinationResponse }
  | { status: "failed"; kind: ErrorKind; message: string; response?: DestinationResponse };

const present = (v: unknown) => v !== undefined && v !== null && v !== "";

/** One answer (a single create's, or one result of a batch) read the same way. */
function outcomeOf(s: HttpApiSettings, status: number, json: unknown, response: DestinationResponse): CreateOutcome {
  if (succeeded(status)) {
    const id = atPointer(json, s.create.idPointer);
    return { status: "created", id: present(id) ? String(id) : undefined };
  }
  const existing = atPointer(json, s.duplicate.idPointer);
  if (status === s.duplicate.status && present(existing)) return { status: "exists", existingId: String(existing), response };
  const kind = status === s.duplicate.status ? "duplicate" : status >= 500 || status === 429 ? "technical" : "rejected";
  return { status: "failed", kind, message: messageOf(status, json), response };
}

const idempotency = (ctx: Ctx, key: string) => {
  const header = ctx.connection.settings.idempotencyHeader;
  return header ? { [header]: `${ctx.runId}:${key}:create` } : {};
};

/** Each record's result in a batch answer, or undefined when the answer cannot be read per record (refused as a whole). */
function resultsOf(s: HttpApiSettings, a: Answer, records: WriteRecord[]): Map<string, CreateOutcome> | undefined {
  const results = atPointer(a.json, s.create.resultsPointer);
  if (!succeeded(a.status) || !Array.isArray(results)) return undefined;
  const keyPointer = s.create.keyPointer;
  if (!keyPointer && results.length !== records.length) return undefined;
  const byKey = keyPointer ? new Map(results.map((r) => [String(atPointer(r, keyPointer)), r])) : undefined;
  return new Map(
    records.map((record, i): [string, CreateOutcome] => {
      const result: unknown = byKey ? byKey.get(record.key) : results[i];
      if (result === undefined) return [record.key, { status: "failed", kind: "technical", message: "The API's batch answer has no result for this record", response: excerpt(a) }];
      const own = Number(atPointer(result, s.create.statusPointer));
      const status = Number.isInteger(own) && own >= 100 ? own : a.status;
      return [record.key, outcomeOf(s, status, result, { status, body: JSON.stringify(result).slice(0, 2_000) })];
    }),
  );
}

/** One request of a batch: its records' outcomes, or the answer that refused it as a whole. */
async function sendBatch(ctx: Ctx, records: WriteRecord[]): Promise<Map<string, CreateOutcome> | { refused: Answer }> {
  const s = ctx.connection.settings;
  const a = await call(ctx, s.create.method, s.create.path, records.map((r) => r.payload), idempotency(ctx, records.length === 1 ? records[0]!.key : `${records[0]!.key}+${records.length}`));
  assertAuthorised(a);
  return resultsOf(s, a, records) ?? { refused: a };
}

/** Creates one record: as an object to the create path (or `singlePath` in batch mode), else as a one-element array. Throws on technical failures. */
export async function createOne(ctx: Ctx, record: WriteRecord): Promise<CreateOutcome> {
  const s = ctx.connection.settings;
  const path = s.create.body === "single" ? fill(s.create.path, { key: record.key }) : s.create.singlePath;
  if (path === undefined) {
    const sent = await sendBatch(ctx, [record]);
    if (!("refused" in sent)) return sent.get(record.key)!;
    const kind = sent.refused.status >= 500 ? "technical" : "rejected";
    return { status: "failed", kind, message: messageOf(sent.refused.status, sent.refused.json), response: excerpt(sent.refused) };
  }
  const a = await call(ctx, s.create.method, path, record.payload, idempotency(ctx, record.key));
  assertAuthorised(a);
  return outcomeOf(s, a.status, a.json, excerpt(a));
}

/**
 * In batch mode, sends the records `create.batchSize` at a time and returns each one's outcome; records of
 * a batch the API refused as a whole get none (they are created one by one). A batch that failed for
 * technical reasons after the retries fails its records: they go again on the next run.
 */
export async function createInBatches(ctx: Ctx, records: WriteRecord[]): Promise<Map<string, CreateOutcome>> {
  const s = ctx.connection.settings;
  const out = new Map<string, CreateOutcome>();
  if (s.create.body !== "batch") return out;
  for (const chunk of chunks(records, s.create.batchSize)) {
    if (chunk.length < 2) continue;
    try {
      const sent = await sendBatch(ctx, chunk);
      if (!("refused" in sent)) for (const [key, outcome] of sent) out.set(key, outcome);
    } catch (error) {
      if (isRunFatal(error)) throw error;
      const response = (error as { response?: Answer }).response;
      for (const r of chunk) out.set(r.key, { status: "failed", kind: "technical", message: (error as Error).message, response: response && excerpt(response) });
    }
  }
  return out;
}
