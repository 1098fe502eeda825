/**
 * A local HubSpot CRM v3 API, built from ../shared/vendors/hubspot.md ("What a faithful sandbox must
 * imitate"): Bearer tokens and per-object scopes (401 / 403 bodies), the properties endpoint, batch
 * create / update / upsert / read / archive with per-record results in no particular order (shuffled) and
 * 207 multi-status errors, contacts unique on email (409 "Contact already exists. Existing ID: N"),
 * OBJECT_NOT_FOUND for missing ids, listing with `after` paging, the search endpoint with its own
 * limit, no rate-limit headers and delayed visibility, and the rate limits: `X-HubSpot-RateLimit-*` headers
 * on every other answer, a rolling 10-second window and a daily counter, 429 bodies naming their policy;
 * and, as a fault, lost replies (a batch write applied, then the connection dropped before the answer).
 * `timeScale` runs HubSpot's clock faster (windows and delays are that fraction of HubSpot's, while the
 * headers still say HubSpot's figures), to match the engine's SYNC_TIME_SCALE in tests.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { faultDraw } from "../shared/sandbox-faults";
import { createLimits } from "./sandbox-limits";
import { createReads, hubspotError as error, type Input, type Reply, viewOf as view } from "./sandbox-reads";
import { createStore, defaultProperties, isObjectType, objectTypes, type ObjectType, type Problem, type SandboxProperty } from "./sandbox-store";

export type HubspotSandboxOptions = {
  /** Fixed port (the e2e spec); 0 or absent = any free port. */
  port?: number;
  token?: string;
  /** The private app's scopes; every object's read and write by default. */
  scopes?: string[];
  /** Requests per rolling interval (Free/Starter: 100 per 10 s). */
  rateLimit?: { max: number; intervalMs: number };
  /** Requests per day (Free/Starter: 250,000). */
  dailyLimit?: number;
  timeScale?: number;
  /** Answer batch results and errors in random (seeded) order, as HubSpot does not promise any. */
  shuffle?: boolean;
  seed?: number;
  /**
   * HubSpot's all-or-nothing batches, as reported for contacts (a clash answers 409 naming the first existing
   * contact, and nothing is written) — even when every input carries an objectWriteTraceId.
   */
  allOrNothing?: boolean;
  /** The largest page GET /crm/v3/objects/{object} returns (HubSpot: 100). */
  maxPageSize?: number;
  /** How long a written record stays invisible to search (HubSpot indexes with a delay). */
  searchLagMs?: number;
  properties?: Partial<Record<ObjectType, SandboxProperty[]>>;
  /** A fault: this share of batch writes is applied, then the connection drops before the answer (a lost reply). */
  lostReplies?: { rate: number; seed?: number };
};

export const allScopes = Object.keys(objectTypes).flatMap((t) => [`crm.objects.${t}.read`, `crm.objects.${t}.write`]);

type Logged = { at: number; method: string; path: string; status: number; inputs?: number; policy?: string; lost?: true };

const inputsOf = (raw: string) => {
  try {
    const inputs = (JSON.parse(raw) as { inputs?: unknown }).inputs;
    return Array.isArray(inputs) ? inputs.length : undefined;
  } catch {
    return undefined;
  }
};
const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
const MAX_INPUTS = 100;

export async function startHubspotSandbox(options: HubspotSandboxOptions = {}) {
  let settings = {
    token: "pat-na1-00000000-0000-4000-8000-000000000000",
    scopes: allScopes,
    rateLimit: { max: 100, intervalMs: 10_000 },
    dailyLimit: 250_000,
    timeScale: 1,
    shuffle: true,
    seed: 7,
    allOrNothing: false,
    maxPageSize: 100,
    searchLagMs: 2_000,
    ...defined(options),
  };
  const store = createStore({ ...defaultProperties(), ...options.properties });
  const log: Logged[] = [];
  const limits = createLimits(() => settings);
  let seed = settings.seed;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const shuffle = <T>(items: T[]) => {
    const out = [...items];
    if (!settings.shuffle) return out;
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  const isUnique = (t: ObjectType, name: string) => (t === "contacts" && name === "email") || store.definition(t, name)?.hasUniqueValue === true;
  const nonUnique = (t: ObjectType, name: unknown): Reply => ({ status: 400, body: error("VALIDATION_ERROR", `Unable to perform update/upsert by non-unique ${objectTypes[t].typeId} property ${String(name)}`) });
  const stamp = () => new Date().toISOString();
  const lost = faultDraw(() => settings.lostReplies);

  const traced = (result: object, input: Input) => (input.objectWriteTraceId === undefined ? result : { ...result, objectWriteTraceId: input.objectWriteTraceId });
  const batchReply = (okStatus: number, results: unknown[], errors: unknown[], startedAt: string): Reply => ({
    status: errors.length ? 207 : okStatus,
    body: { status: "COMPLETE", results: shuffle(results), ...(errors.length ? { numErrors: errors.length, errors: shuffle(errors) } : {}), startedAt, completedAt: stamp() },
  });
  const itemError = (outcome: { conflict: string } | { problems: Problem[] }, context: Record<string, unknown>) =>
    "conflict" in outcome
      ? { status: "error", category: "CONFLICT", message: `Contact already exists. Existing ID: ${outcome.conflict}`, context }
      : {
          status: "error",
          category: "VALIDATION_ERROR",
          message: `Property values were not valid: ${JSON.stringify(outcome.problems)}`,
          context,
          errors: outcome.problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
        };
  const wholeError = (outcome: { conflict: string } | { problems: Problem[] }): Reply =>
    "conflict" in outcome
      ? { status: 409, body: error("CONFLICT", `Contact already exists. Existing ID: ${outcome.conflict}`) }
      : { status: 400, body: error("VALIDATION_ERROR", `Property values were not valid: ${JSON.stringify(outcome.problems)}`) };
  const notFound = (t: ObjectType, missing: Input[]) => {
    const traces = missing.map((m) => m.objectWriteTraceId).filter((x) => x !== undefined);
    return {
      status: "error",
      category: "OBJECT_NOT_FOUND",
      message: `Could not get some ${objectTypes[t].singular} objects, they may be deleted or not exist. Check that ids are valid.`,
      context: { ids: missing.map((m) => String(m.id)), ...(traces.length ? { objectWriteTraceId: traces } : {}) },
    };
  };

  const { read, list, search } = createReads({ store, settings: () => settings, isUnique, nonUnique, batchReply, notFound, stamp });

  /** Batch create: multi-status only when every input carries a unique objectWriteTraceId, else one failure fails the call. */
  function create(t: ObjectType, inputs: Input[]): Reply {
    const startedAt = stamp();
    const traces = inputs.map((i) => i.objectWriteTraceId);
    const multi = !settings.allOrNothing && traces.every((x) => typeof x === "string" && x !== "") && new Set(traces).size === traces.length;
    const before = store.snapshot(t);
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      const outcome = store.write(t, input.properties ?? {});
      if ("record" in outcome) results.push(traced(view(outcome.record), input));
      else if (!multi) return store.restore(t, before), wholeError(outcome);
      else errors.push(itemError(outcome, { objectWriteTraceId: [input.objectWriteTraceId] }));
    }
    return batchReply(201, results, errors, startedAt);
  }

  /** Batch update (by id, or by a unique idProperty) and upsert (by a unique idProperty; results say `new`). */
  function write(t: ObjectType, inputs: Input[], upsert: boolean): Reply {
    const startedAt = stamp();
    const badKey = inputs.find((i) => (upsert || i.idProperty !== undefined) && !isUnique(t, String(i.idProperty)));
    if (badKey) return nonUnique(t, badKey.idProperty);
    const before = store.snapshot(t);
    const results: unknown[] = [];
    const errors: unknown[] = [];
    const missing: Input[] = [];
    for (const input of inputs) {
      const id = String(input.id ?? "");
      const existing = input.idProperty ? store.holder(t, input.idProperty, id) : store.records[t].get(id);
      if (!existing && !upsert) {
        missing.push(input);
        continue;
      }
      const outcome = store.write(t, upsert ? { ...input.properties, [input.idProperty!]: id } : (input.properties ?? {}), existing);
      if ("record" in outcome) results.push(traced(upsert ? { ...view(outcome.record), new: outcome.created } : view(outcome.record), input));
      else if (settings.allOrNothing) return store.restore(t, before), wholeError(outcome);
      else errors.push(itemError(outcome, { ids: [id], ...(input.objectWriteTraceId !== undefined ? { objectWriteTraceId: [input.objectWriteTraceId] } : {}) }));
    }
    if (missing.length) errors.push(notFound(t, missing));
    return batchReply(200, results, errors, startedAt);
  }

  function route(method: string, url: URL, kind: string, t: ObjectType, action: string | undefined, body: Record<string, unknown>): Reply {
    if (kind === "properties") return method === "GET" && !action ? { status: 200, body: { results: store.properties[t] } } : { status: 405, body: error("VALIDATION_ERROR", "Method not allowed") };
    if (!action) return method === "GET" ? list(t, url) : { status: 405, body: error("VALIDATION_ERROR", "Method not allowed") };
    if (method !== "POST") return { status: 405, body: error("VALIDATION_ERROR", "Method not allowed") };
    if (action === "search") return search(t, body);
    const inputs = body.inputs;
    if (!Array.isArray(inputs)) return { status: 400, body: error("VALIDATION_ERROR", "Invalid input JSON: inputs is required") };
    // The limit is documented, its wording is not.
    if (inputs.length > MAX_INPUTS) return { status: 400, body: error("VALIDATION_ERROR", `Batch requests accept at most ${MAX_INPUTS} inputs, but ${inputs.length} were provided`) };
    if (action === "batch/create") return create(t, inputs as Input[]);
    if (action === "batch/update") return write(t, inputs as Input[], false);
    if (action === "batch/upsert") return write(t, inputs as Input[], true);
    if (action === "batch/read") return read(t, body as Parameters<typeof read>[1]);
    if (action === "batch/archive") {
      for (const input of inputs as Input[]) store.archive(t, String(input.id));
      return { status: 204 };
    }
    return { status: 404, body: error("OBJECT_NOT_FOUND", "resource not found") };
  }

  function handle(req: http.IncomingMessage, url: URL, raw: string): Reply {
    if (req.headers.authorization !== `Bearer ${settings.token}`)
      return {
        status: 401,
        body: error("INVALID_AUTHENTICATION", "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"),
        headers: { "x-hubspot-auth-failure": "401 Unauthorized" },
      };
    const m = url.pathname.match(/^\/crm\/v3\/(properties|objects)\/([^/]+)(?:\/(batch\/[a-z]+|search))?$/);
    if (!m) return { status: 404, body: error("OBJECT_NOT_FOUND", "resource not found") };
    const [, kind, type, action] = m as unknown as [string, string, string, string | undefined];
    const now = Date.now();
    let headers: Record<string, string> = {};
    if (action === "search") {
      const refused = limits.takeSearch(now);
      if (refused) return refused;
    } else {
      const limit = limits.take(now);
      if (limit.refused) return limit.refused;
      headers = limit.headers;
    }
    const reply = ((): Reply => {
      if (!isObjectType(type)) return { status: 400, body: error("VALIDATION_ERROR", `Unable to infer object type from: ${type}`) }; // wording assumed
      const writes = ["batch/create", "batch/update", "batch/upsert", "batch/archive"].includes(action ?? "");
      const needed = [`crm.objects.${type}.${writes ? "write" : "read"}`, ...(kind === "properties" ? [`crm.schemas.${type}.read`] : [])];
      if (!needed.some((s) => settings.scopes.includes(s)))
        return {
          status: 403,
          body: error("MISSING_SCOPES", "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.", {
            errors: [{ message: "One or more of the following scopes are required.", context: { requiredScopes: needed } }],
            links: { scopes: "https://developers.hubspot.com/scopes" },
          }),
        };
      let body: Record<string, unknown> = {};
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        return { status: 400, body: error("VALIDATION_ERROR", "Invalid input JSON on line 1") };
      }
      return route(req.method ?? "GET", url, kind, type, action, body);
    })();
    return { ...reply, headers: { ...headers, ...reply.headers } };
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://sandbox");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString();
    const entry: Logged = { at: Date.now(), method: req.method ?? "GET", path: url.pathname, status: 0, inputs: inputsOf(raw) };
    log.push(entry);
    const reply = handle(req, url, raw);
    entry.status = reply.status;
    if (reply.status === 429) entry.policy = (reply.body as { policyName?: string }).policyName;
    if (reply.status < 300 && /\/batch\/(create|update|upsert|archive)$/.test(url.pathname) && lost()) {
      entry.lost = true;
      return void req.socket.destroy();
    }
    res.writeHead(reply.status, { ...(reply.body === undefined ? {} : { "content-type": "application/json;charset=utf-8" }), ...reply.headers });
    res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get token() {
      return settings.token;
    },
    store,
    log,
    /** The live records of an object. */
    records: (t: ObjectType = "contacts") => [...store.records[t].values()],
    /** The live record whose property has this value. */
    find: (t: ObjectType, property: string, value: string) => store.holder(t, property, value),
    /** A record someone created in HubSpot, outside the sync. */
    seed: (t: ObjectType, values: Record<string, string>) => store.seed(t, values),
    /** A record someone deleted in HubSpot. */
    remove: (t: ObjectType, id: string) => store.archive(t, id),
    configure: (next: Partial<HubspotSandboxOptions>) => void (settings = { ...settings, ...defined(next) }),
    useBudget: limits.useBudget,
    resetDaily: limits.resetDaily,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

export type HubspotSandbox = Awaited<ReturnType<typeof startHubspotSandbox>>;
