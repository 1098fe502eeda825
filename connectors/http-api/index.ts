import "server-only";
import { PublicError } from "@/lib/errors";
import { excerpt, pool, technicalFailure } from "../shared/api";
import { type Connector, DestinationConfigError, type EarlierAttempt, type HttpResponse, type RecordResult, type WriteRecord } from "../types";
import { atPointer, type HttpApiSecrets, type HttpApiSettings, httpApiSecretsSchema, httpApiSettingsSchema } from "./config";
import { assertAuthorised, authHeaders, call, type Ctx, fill, messageOf, needsId, succeeded } from "./calls";
import { createInBatches, createOne, type CreateOutcome } from "./create";
import { httpApiManifest } from "./manifest";

const CONCURRENCY = 4;

/** A record the API holds but whose id Relay does not know (a create answered without one): only a path by {key} can reach it. */
const unknownId = (record: WriteRecord, operation: string): RecordResult => ({
  key: record.key,
  status: "failed",
  kind: "rejected",
  message: `The API's id of this record is unknown (its create was answered without one), so it cannot be ${operation}: address ${operation === "updated" ? "updates" : "deletes"} by {key}, or run a replace to read the ids back`,
});

/**
 * Upserts one record: update by its known id (or by key when the update path takes {key}), else create;
 * an update that finds nothing becomes a create, a create refused as a duplicate becomes an update of the
 * id the API named. A record the sync sent before is never created again for lack of an id. `created` is
 * the outcome of a create already sent in a batch. Technical failures have already been retried by
 * ctx.http; when they persist the record fails as "technical".
 */
async function upsertOne(ctx: Ctx, record: WriteRecord, created?: CreateOutcome): Promise<RecordResult> {
  const s = ctx.connection.settings;
  const earlier: EarlierAttempt[] = [];
  let id = record.destinationId || undefined;
  let op: "create" | "update" = !created && (id || record.op === "update") ? "update" : "create";
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (op === "update") {
        if (!id && needsId(s.update.path)) return { ...unknownId(record, "updated"), earlier };
        const a = await call(ctx, s.update.method, fill(s.update.path, { id, key: record.key }), record.payload);
        assertAuthorised(a);
        if (succeeded(a.status)) return { key: record.key, status: "ok", op: "update", destinationId: id, earlier };
        if (a.status === s.notFoundStatus) {
          earlier.push({ op: "update", kind: "not_found", message: `The record ${id ?? record.key} no longer exists: creating it again`, response: excerpt(a) });
          [op, id] = ["create", undefined];
          continue;
        }
        const kind = a.status === s.duplicate.status ? "duplicate" : "rejected";
        return { key: record.key, status: "failed", kind, message: messageOf(a.status, a.json), response: excerpt(a), earlier };
      }
      const outcome = created ?? (await createOne(ctx, record));
      created = undefined;
      if (outcome.status === "created") {
        const warning = !outcome.id && needsId(s.update.path) ? `The API's answer carried no id at ${s.create.idPointer}: later updates of this record need one` : undefined;
        return { key: record.key, status: "ok", op: "create", destinationId: outcome.id, earlier, ...(warning ? { warning } : {}) };
      }
      if (outcome.status === "exists") {
        earlier.push({ op: "create", kind: "duplicate", message: `The record exists as ${outcome.existingId}: updating it`, response: outcome.response });
        [op, id] = ["update", outcome.existingId];
        continue;
      }
      return { key: record.key, status: "failed", kind: outcome.kind, message: outcome.message, response: outcome.response, earlier };
    }
    return { key: record.key, status: "failed", kind: "rejected", message: "The API kept refusing this record", earlier };
  } catch (error) {
    return technicalFailure(record.key, error, earlier);
  }
}

async function deleteOne(ctx: Ctx, record: WriteRecord): Promise<RecordResult> {
  const s = ctx.connection.settings;
  if (!s.delete) return { key: record.key, status: "failed", kind: "rejected", message: "No delete operation is configured for this API" };
  const id = record.destinationId || undefined;
  if (!id && needsId(s.delete.path)) return unknownId(record, "deleted");
  try {
    const a = await call(ctx, s.delete.method, fill(s.delete.path, { id, key: record.key }));
    assertAuthorised(a);
    if (succeeded(a.status) || a.status === s.notFoundStatus) return { key: record.key, status: "ok", op: "delete" };
    return { key: record.key, status: "failed", kind: "rejected", message: messageOf(a.status, a.json), response: excerpt(a) };
  } catch (error) {
    return technicalFailure(record.key, error);
  }
}

/** Testing the connection reports whatever the API answered, a 5xx too (the client retried it, then gave up with that answer). */
function answerOfFailure(error: unknown): HttpResponse {
  const response = (error as { response?: HttpResponse }).response;
  if (!response) throw error;
  return response;
}

export const httpApi: Connector<HttpApiSettings, HttpApiSecrets> = {
  manifest: httpApiManifest,
  settingsSchema: httpApiSettingsSchema,
  secretsSchema: httpApiSecretsSchema,

  async test({ connection, http }) {
    const s = connection.settings;
    const path = s.list?.path ?? "/";
    try {
      const response = await http({ method: "GET", url: `${s.baseUrl.replace(/\/$/, "")}${path}`, headers: authHeaders(s, connection.secrets), timeoutMs: 10_000 }).catch(answerOfFailure);
      if (response.status === 401 || response.status === 403) return { ok: false, message: `The API refused the credentials (${response.status})` };
      return { ok: true, message: `The API answered ${response.status} to GET ${path}` };
    } catch (error) {
      if (error instanceof PublicError) return { ok: false, message: error.message };
      return { ok: false, message: `Could not reach ${s.baseUrl}: ${(error as Error).message}` };
    }
  },

  async listObjects({ connection }) {
    return [{ name: connection.settings.object, label: connection.settings.object }];
  },

  async listFields({ connection }, object) {
    if (object !== connection.settings.object) throw new DestinationConfigError(`This connection writes to "${connection.settings.object}", not "${object}"`);
    return connection.settings.fields.map((f) => ({ name: f.name, type: f.type, required: f.required, nullable: !f.required, key: f.key }));
  },

  checkSync({ connection }, sync) {
    if (sync.mode === "replace" && !connection.settings.list) return "A replace reads back what the API holds: configure the list operation first";
    if ((sync.onLeave === "delete" || sync.mode === "replace") && !connection.settings.delete) return "Removing records needs the delete operation: configure it first";
    return undefined;
  },

  async *read(ctx) {
    const list = ctx.connection.settings.list;
    if (!list) throw new DestinationConfigError("No list operation is configured for this API");
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ limit: String(list.pageSize), ...(cursor ? { [list.cursorParam]: cursor } : {}) });
      const a = await call(ctx, "GET", `${list.path}${list.path.includes("?") ? "&" : "?"}${query}`);
      assertAuthorised(a);
      if (!succeeded(a.status)) throw new Error(`Listing the API's records failed: ${messageOf(a.status, a.json)}`);
      const items = atPointer(a.json, list.itemsPointer);
      if (!Array.isArray(items)) throw new DestinationConfigError(`The list answer has no array at ${list.itemsPointer}`);
      yield items.map((item) => ({ destinationId: String(atPointer(item, list.idPointer)), key: String((item as Record<string, unknown>)[list.keyField]) }));
      const next = atPointer(a.json, list.nextCursorPointer);
      cursor = next === null || next === undefined || next === "" ? undefined : String(next);
    } while (cursor);
  },

  delivery: {
    async begin() {
      return {};
    },
    async write(ctx, state, records) {
      const deletes = records.filter((r) => r.op === "delete");
      // A record the sync sent before (an update) is updated, never created, even when its id is unknown.
      const creates = records.filter((r) => r.op !== "delete" && r.op !== "update" && !r.destinationId);
      const updates = records.filter((r) => r.op !== "delete" && !creates.includes(r));
      const created = await createInBatches(ctx, creates);
      const results = [
        ...(await pool(creates, CONCURRENCY, (r) => upsertOne(ctx, r, created.get(r.key)))),
        ...(await pool(updates, CONCURRENCY, (r) => upsertOne(ctx, r))),
        ...(await pool(deletes, CONCURRENCY, (r) => deleteOne(ctx, r))),
      ];
      return { results, state };
    },
    async commit() {
      return {};
    },
    async abort() {},
  },
};
