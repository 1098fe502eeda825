import "server-only";
import { env } from "@/lib/env";
import { PublicError } from "@/lib/errors";
import { assertPublicUrl } from "@/lib/security/outbound";
import { excerpt, isRunFatal, pool, technicalFailure } from "../shared/api";
import { type Connector, DestinationConfigError, type DeliveryContext, type EarlierAttempt, type RecordResult, type WriteRecord } from "../types";
import { atPointer, type HttpApiSecrets, type HttpApiSettings, httpApiSecretsSchema, httpApiSettingsSchema } from "./config";
import { httpApiManifest } from "./manifest";

type Ctx = DeliveryContext<HttpApiSettings, HttpApiSecrets>;
type Answer = Awaited<ReturnType<Ctx["http"]>>;

const CONCURRENCY = 4;
const ok = (a: Answer) => a.status >= 200 && a.status < 300;
const messageOf = (a: Answer) => {
  const m = atPointer(a.json, "/message") ?? atPointer(a.json, "/error/message") ?? atPointer(a.json, "/error");
  return typeof m === "string" ? `${a.status}: ${m}` : `The API answered ${a.status}`;
};

function authHeaders(s: HttpApiSettings, k: HttpApiSecrets): Record<string, string> {
  if (s.auth === "bearer") return { authorization: `Bearer ${k.token ?? ""}` };
  if (s.auth === "basic") return { authorization: `Basic ${Buffer.from(`${k.username ?? ""}:${k.password ?? ""}`).toString("base64")}` };
  if (s.auth === "header" && s.authHeader) return { [s.authHeader]: k.headerValue ?? "" };
  return {};
}

function call(ctx: Ctx, method: string, path: string, body?: unknown, extra: Record<string, string> = {}) {
  const { settings, secrets } = ctx.connection;
  return ctx.http({ method, url: `${settings.baseUrl.replace(/\/$/, "")}${path}`, body, timeoutMs: settings.timeoutMs, headers: { ...authHeaders(settings, secrets), ...extra } });
}

const fill = (template: string, values: { id?: string; key: string }) =>
  template.replace("{id}", encodeURIComponent(values.id ?? "")).replace("{key}", encodeURIComponent(values.key));

/** Bad credentials end the run: no record can be written. */
function assertAuthorised(a: Answer) {
  if (a.status === 401 || a.status === 403) throw new DestinationConfigError(`The API refused the credentials (${messageOf(a)})`);
}

/**
 * Upserts one record: update by its known id, else create; an update that finds nothing becomes a create,
 * a create refused as a duplicate becomes an update of the id the API named. Technical failures have
 * already been retried by ctx.http; when they persist the record fails as "technical".
 */
async function upsertOne(ctx: Ctx, record: WriteRecord): Promise<RecordResult> {
  const s = ctx.connection.settings;
  const earlier: EarlierAttempt[] = [];
  let op: "create" | "update" = record.destinationId ? "update" : "create";
  let id = record.destinationId ?? undefined;
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (op === "update") {
        const a = await call(ctx, s.update.method, fill(s.update.path, { id, key: record.key }), record.payload);
        assertAuthorised(a);
        if (ok(a)) return { key: record.key, status: "ok", op: "update", destinationId: id, earlier };
        if (a.status === s.notFoundStatus) {
          earlier.push({ op: "update", kind: "not_found", message: `The record ${id} no longer exists: creating it again`, response: excerpt(a) });
          [op, id] = ["create", undefined];
          continue;
        }
        const kind = a.status === s.duplicate.status ? "duplicate" : "rejected";
        return { key: record.key, status: "failed", kind, message: messageOf(a), response: excerpt(a), earlier };
      }
      const headers = s.idempotencyHeader ? { [s.idempotencyHeader]: `${ctx.runId}:${record.key}:create` } : {};
      const a = await call(ctx, s.create.method, fill(s.create.path, { key: record.key }), record.payload, headers);
      assertAuthorised(a);
      if (ok(a)) return { key: record.key, status: "ok", op: "create", destinationId: String(atPointer(a.json, s.create.idPointer) ?? ""), earlier };
      const existing = atPointer(a.json, s.duplicate.idPointer);
      if (a.status === s.duplicate.status && existing !== undefined && existing !== null) {
        earlier.push({ op: "create", kind: "duplicate", message: `The record exists as ${String(existing)}: updating it`, response: excerpt(a) });
        [op, id] = ["update", String(existing)];
        continue;
      }
      const kind = a.status === s.duplicate.status ? "duplicate" : "rejected";
      return { key: record.key, status: "failed", kind, message: messageOf(a), response: excerpt(a), earlier };
    }
    return { key: record.key, status: "failed", kind: "rejected", message: "The API kept refusing this record", earlier };
  } catch (error) {
    return technicalFailure(record.key, error, earlier);
  }
}

async function deleteOne(ctx: Ctx, record: WriteRecord): Promise<RecordResult> {
  const s = ctx.connection.settings;
  if (!s.delete) return { key: record.key, status: "failed", kind: "rejected", message: "No delete operation is configured for this API" };
  if (!record.destinationId) return { key: record.key, status: "ok", op: "delete" };
  try {
    const a = await call(ctx, s.delete.method, fill(s.delete.path, { id: record.destinationId, key: record.key }));
    assertAuthorised(a);
    if (ok(a) || a.status === s.notFoundStatus) return { key: record.key, status: "ok", op: "delete" };
    return { key: record.key, status: "failed", kind: "rejected", message: messageOf(a), response: excerpt(a) };
  } catch (error) {
    return technicalFailure(record.key, error);
  }
}

/** Creates in batches where the API takes arrays; a refused batch is sent again record by record. */
async function createBatch(ctx: Ctx, records: WriteRecord[]): Promise<RecordResult[] | undefined> {
  const s = ctx.connection.settings;
  if (s.create.body !== "batch" || records.length < 2) return undefined;
  try {
    const a = await call(ctx, s.create.method, s.create.path, records.map((r) => r.payload));
    assertAuthorised(a);
    const results = atPointer(a.json, s.create.resultsPointer);
    if (!ok(a) || !Array.isArray(results) || results.length !== records.length) return undefined;
    return records.map((r, i) => ({ key: r.key, status: "ok", op: "create", destinationId: String(atPointer(results[i], s.create.idPointer) ?? "") }));
  } catch (error) {
    if (isRunFatal(error)) throw error;
    return undefined;
  }
}

export const httpApi: Connector<HttpApiSettings, HttpApiSecrets> = {
  manifest: httpApiManifest,
  settingsSchema: httpApiSettingsSchema,
  secretsSchema: httpApiSecretsSchema,

  async test(connection) {
    const s = connection.settings;
    const path = s.list?.path ?? "/";
    try {
      const url = `${s.baseUrl.replace(/\/$/, "")}${path}`;
      await assertPublicUrl(url, { allowPrivate: env.ALLOW_PRIVATE_NETWORK });
      const response = await fetch(url, { headers: authHeaders(s, connection.secrets), signal: AbortSignal.timeout(10_000), redirect: "manual" });
      if (response.status === 401 || response.status === 403) return { ok: false, message: `The API refused the credentials (${response.status})` };
      return { ok: true, message: `The API answered ${response.status} to GET ${path}` };
    } catch (error) {
      if (error instanceof PublicError) return { ok: false, message: error.message };
      return { ok: false, message: `Could not reach ${s.baseUrl}: ${(error as Error).message}` };
    }
  },

  async listObjects(connection) {
    return [{ name: connection.settings.object, label: connection.settings.object }];
  },

  async listFields(connection, object) {
    if (object !== connection.settings.object) throw new DestinationConfigError(`This connection writes to "${connection.settings.object}", not "${object}"`);
    return connection.settings.fields.map((f) => ({ name: f.name, type: f.type, required: f.required, nullable: !f.required, key: f.key }));
  },

  checkSync(connection, sync) {
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
      if (!ok(a)) throw new Error(`Listing the API's records failed: ${messageOf(a)}`);
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
      const creates = records.filter((r) => r.op !== "delete" && !r.destinationId);
      const updates = records.filter((r) => r.op !== "delete" && r.destinationId);
      const batched = await createBatch(ctx, creates);
      const results = [
        ...(batched ?? (await pool(creates, CONCURRENCY, (r) => upsertOne(ctx, r)))),
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
