/**
 * A local Splio Customer Platform API, built from ../shared/vendors/splio.md: POST /authenticate exchanges the
 * API key for an expiring JWT (400 envelopes for a bad or missing key), every other route answers 401 with the
 * bare string "Authentication failed." without a valid token, per-IP buckets (data/contacts, data/v{x}/
 * orders|products|stores, all others) per second and per minute with Kong's RateLimit-* headers and 429
 * {"message":"API rate limit exceeded"}, fields discovery, the universe's unique key, bulk contact create /
 * delete / optout (207 items), single contact, product, order and store calls. It logs every request.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type Answer, type CustomFieldDef, fail, type Scope, SplioUniverse } from "./sandbox-universe";

type Buckets = { contacts: number; sales: number; other: number };
export type SplioSandboxOptions = {
  apiKey?: string;
  /** "email", "cellphone" or "cN" (custom field N of the contacts). */
  uniqueKey?: string;
  customFields?: Partial<Record<Scope, CustomFieldDef[]>>;
  lists?: { id: number; name: string }[];
  stores?: string[];
  /** 1 h per most of Splio's pages (24 h per others). */
  tokenLifetimeSeconds?: number;
  /** Requests per bucket per second (documented: 20, 20, 10) and per minute (not documented: 60× by default). */
  limits?: { perSecond?: Partial<Buckets>; perMinute?: Partial<Buckets> };
  /** Real milliseconds per sandbox millisecond of the rate windows (tests run the engine's waits 100× faster). */
  timeScale?: number;
  /** Robustness: list pages hold at most this many elements, whatever `per_page` asks (the answer's per_page and count_element say so). */
  maxPerPage?: number;
};
type Logged = { at: number; method: string; path: string; status: number; body?: unknown };

const bucketOf = (path: string): keyof Buckets => (path.startsWith("/data/contacts") ? "contacts" : /^\/data\/v\d+\/(orders|products|stores)/.test(path) ? "sales" : "other");
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

export async function startSplioSandbox(options: SplioSandboxOptions = {}) {
  let settings = { apiKey: "sandbox-api-key", tokenLifetimeSeconds: 3_600, timeScale: 1, ...options };
  const custom = { contacts: [], products: [], orders: [], stores: [], ...options.customFields };
  const universe = new SplioUniverse(options.uniqueKey ?? "email", custom, options.lists ?? [{ id: 1, name: "Newsletter" }]);
  for (const id of options.stores ?? []) universe.stores.set(id, { external_id: id, name: `Store ${id}` });
  const tokens = new Map<string, { expiresAt: number }>();
  const log: Logged[] = [];
  const used = new Map<string, { second: number; s: number; minute: number; m: number }>();
  let expireAfter: number | undefined;

  /** Kong's rate limiting: fixed windows; the RateLimit-* headers describe the window closest to its limit. */
  function rateLimit(bucket: keyof Buckets): { limited: boolean; headers: Record<string, string> } {
    const perSecond = { contacts: 20, sales: 20, other: 10, ...settings.limits?.perSecond }[bucket];
    const perMinute = { ...{ contacts: perSecond * 60, sales: perSecond * 60, other: perSecond * 60 }, ...settings.limits?.perMinute }[bucket];
    const [secondMs, minuteMs] = [1_000 * settings.timeScale, 60_000 * settings.timeScale];
    const t = Date.now();
    const [second, minute] = [Math.floor(t / secondMs), Math.floor(t / minuteMs)];
    const u = used.get(bucket) ?? { second, s: 0, minute, m: 0 };
    if (u.second !== second) Object.assign(u, { second, s: 0 });
    if (u.minute !== minute) Object.assign(u, { minute, m: 0 });
    used.set(bucket, u);
    const limited = u.s >= perSecond || u.m >= perMinute;
    if (!limited) Object.assign(u, { s: u.s + 1, m: u.m + 1 });
    const windows = [
      { limit: perSecond, remaining: perSecond - u.s, reset: Math.ceil(((second + 1) * secondMs - t) / secondMs) },
      { limit: perMinute, remaining: perMinute - u.m, reset: Math.ceil(((minute + 1) * minuteMs - t) / secondMs) },
    ].sort((a, b) => a.remaining - b.remaining);
    const w = windows[0]!;
    return {
      limited,
      headers: {
        "ratelimit-limit": String(w.limit),
        "ratelimit-remaining": String(Math.max(0, w.remaining)),
        "ratelimit-reset": String(Math.max(1, w.reset)),
        "x-ratelimit-limit-minute": String(perMinute),
        "x-ratelimit-remaining-minute": String(Math.max(0, perMinute - u.m)),
      },
    };
  }

  function issueToken() {
    const iat = Math.floor(Date.now() / 1000);
    const token = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iat, exp: iat + settings.tokenLifetimeSeconds, jti: crypto.randomUUID() })}.${crypto.randomBytes(16).toString("base64url")}`;
    tokens.set(token, { expiresAt: Date.now() + settings.tokenLifetimeSeconds * 1000 });
    return token;
  }

  const expireAll = () => tokens.forEach((t) => (t.expiresAt = 0));

  function authorised(header: string | undefined) {
    const token = header?.match(/^Bearer (.+)$/)?.[1];
    const known = token && tokens.get(token);
    if (!known || known.expiresAt <= Date.now()) return false;
    if (expireAfter !== undefined && --expireAfter <= 0) {
      expireAfter = undefined;
      expireAll();
    }
    return true;
  }

  const list = <T>(all: T[], query: URLSearchParams, perPageDefault: number): Answer => {
    const asked = Number(query.get("per_page") ?? perPageDefault);
    const page = Number(query.get("page_number") ?? 1);
    if (!Number.isInteger(asked) || asked < 1 || asked > 1_000) return fail(400, "per_page", "wrong_value", "per_page must be between 1 and 1000");
    const perPage = Math.min(asked, settings.maxPerPage ?? asked);
    if (!Number.isInteger(page) || page < 1) return fail(400, "page_number", "wrong_value", "page_number must be 1 or more");
    return { status: 200, body: { count_element: all.length, current_page: page, per_page: perPage, sort: { id: "DESC" }, elements: all.slice((page - 1) * perPage, page * perPage) } };
  };

  /** POST /data/contacts/bulk, DELETE /data/contacts/bulk, POST /data/contacts/optout. */
  function bulk(kind: "create" | "delete" | "optout", body: Record<string, unknown>): Answer {
    const started = Date.now();
    const contacts = body.contacts;
    if (!Array.isArray(contacts) || contacts.length < 1 || contacts.length > 1_000) return fail(400, "contacts", "wrong_value", "contacts must hold between 1 and 1000 items");
    if (kind === "create") {
      for (const [i, c] of contacts.entries()) {
        if (!c || typeof c !== "object" || Array.isArray(c)) return fail(400, `contacts[${i}]`, "wrong_type", "A contact must be an object");
        for (const f of ["lastname", "firstname", "email", "cellphone", "language", "creation_date"])
          if ((c as Record<string, unknown>)[f] !== undefined && typeof (c as Record<string, unknown>)[f] !== "string") return fail(400, `contacts[${i}].${f}`, "wrong_type", `${f} must be a string`);
        // Observed by Splio's users: a contact without its email makes the whole call fail with a 503, errors as an object.
        if (universe.uniqueKey === "email" && !(c as Record<string, unknown>).email)
          return { status: 503, body: { status: 503, errors: { error_key: null, error: "internal_error", error_description: "An internal error occurred." } } };
      }
    } else if (contacts.some((k) => typeof k !== "string")) return fail(400, "contacts", "wrong_type", "contacts must be unique keys");
    const items =
      kind === "create"
        ? contacts.map((c) => {
            const a = universe.createContact(c as Record<string, unknown>, true);
            const description = a.status < 300 ? "" : (a.body as { errors: { error_description: string }[] }).errors[0]!.error_description;
            return { contact_id: universe.keyOf(c as Record<string, unknown>), code: a.status, description };
          })
        : universe.bulkItems(contacts, (key) => {
            if (!universe.contacts.has(key)) return kind === "delete" ? fail(400, "id", "wrong_value", `Contact not found for id ${key}.`) : fail(404, "id", "wrong_value", `Contact not found for id ${key}.`);
            if (kind === "delete") universe.contacts.delete(key);
            else universe.contacts.get(key)!.lists = [];
            return { status: kind === "delete" ? 204 : 200 };
          });
    const errors = items.filter((i) => i.code >= 300).length;
    const envelope = { time: Date.now() - started, errors, status: null, items };
    return { status: kind === "delete" && errors === items.length ? 400 : 207, body: envelope };
  }

  type Route = [method: string, pattern: RegExp, handle: (m: string[], body: Record<string, unknown>, q: URLSearchParams) => Answer];
  const routes: Route[] = [
    ["GET", /^\/universes\/unique-key$/, () => ({ status: 200, body: { unique_key: universe.uniqueKey } })],
    ["GET", /^\/data\/fields\/(contacts|products|orders|stores|order-lines|members|rewards)$/, (m, _b, q) => list(m[1]! in custom ? universe.fieldElements(m[1] as Scope) : [], q, 50)],
    ["POST", /^\/data\/fields$/, (_m, b) => {
      const scope = b.scope as Scope;
      if (!(scope in custom) || typeof b.name !== "string" || !["date", "text", "int", "double"].includes(String(b.type))) return fail(400, "scope", "wrong_value", "scope, name and type (date, text, int, double) are required");
      const id = Math.max(-1, ...universe.customFields[scope].map((f) => f.id)) + 1;
      universe.customFields[scope].push({ id, name: b.name, type: b.type as CustomFieldDef["type"] });
      return { status: 201, body: { id, name: b.name, data_type: b.type } };
    }],
    ["GET", /^\/data\/v1\/lists$/, (_m, _b, q) => list(universe.lists, q, 50)],
    ["POST", /^\/data\/contacts\/bulk$/, (_m, b) => bulk("create", b)],
    ["DELETE", /^\/data\/contacts\/bulk$/, (_m, b) => bulk("delete", b)],
    ["POST", /^\/data\/contacts\/optout$/, (_m, b) => bulk("optout", b)],
    ["GET", /^\/data\/contacts$/, (_m, _b, q) => list([...universe.contacts.values()].sort((a, b) => a.id - b.id).map((c) => ({ ...c, loyalty: [] })), q, 20)],
    ["POST", /^\/data\/contacts$/, (_m, b) => universe.createContact(b)],
    ["GET", /^\/data\/contacts\/([^/]+)$/, (m, _b, q) => {
      const found = universe.findContact(m[1]!, q.get("key"));
      return found ? { status: 200, body: { ...found[1], loyalty: [] } } : fail(404, "id", "wrong_value", `Record not found for id {${m[1]}}.`);
    }],
    ["PATCH", /^\/data\/contacts\/([^/]+)$/, (m, b, q) => universe.editContact(m[1]!, b, q.get("key"))],
    ["DELETE", /^\/data\/contacts\/([^/]+)$/, (m) => (universe.contacts.delete(m[1]!), { status: 204 })],
    ["GET", /^\/data\/v1\/products$/, (_m, _b, q) => list([...universe.products.values()], q, 50)],
    ["POST", /^\/data\/v1\/products$/, (_m, b) => universe.createProduct(b)],
    ["GET", /^\/data\/v1\/products\/([^/]+)$/, (m) => (universe.products.has(m[1]!) ? { status: 200, body: universe.products.get(m[1]!) } : fail(404, "ext_id", "wrong_value", "Product not found for given identifier."))],
    ["PATCH", /^\/data\/v1\/products\/([^/]+)$/, (m, b) => universe.editProduct(m[1]!, b)],
    ["DELETE", /^\/data\/products\/([^/]+)$/, (m) => (universe.products.delete(m[1]!) ? { status: 204 } : fail(404, "ext_id", "wrong_value", "Product not found for given identifier."))],
    ["GET", /^\/data\/v1\/orders$/, (_m, _b, q) => list([...universe.orders.values()].filter((o) => o.completed).map((o) => universe.orderView(o)), q, 50)],
    ["GET", /^\/data\/v1\/orders\/abandoned$/, (_m, _b, q) => list([...universe.orders.values()].filter((o) => !o.completed).map((o) => universe.orderView(o)), q, 50)],
    ["POST", /^\/data\/v1\/orders$/, (_m, b) => universe.createOrder(b)],
    ["GET", /^\/data\/v1\/orders\/([^/]+)$/, (m) => (universe.orders.has(m[1]!) ? { status: 200, body: universe.orderView(universe.orders.get(m[1]!)!) } : fail(404, "ext_id", "wrong_value", "Order not found for given identifier."))],
    ["PATCH", /^\/data\/v3\/orders\/([^/]+)$/, (m, b) => universe.editOrder(m[1]!, b)],
    ["DELETE", /^\/data\/orders\/([^/]+)$/, (m) => (universe.orders.delete(m[1]!) ? { status: 204 } : fail(404, "ext_id", "wrong_value", "Order not found for given identifier."))],
    ["GET", /^\/data\/v1\/stores$/, (_m, _b, q) => list([...universe.stores.values()], q, 50)],
    ["POST", /^\/data\/v1\/stores$/, (_m, b) => universe.createStore(b)],
    ["DELETE", /^\/data\/stores\/([^/]+)$/, (m) => (universe.stores.delete(m[1]!) ? { status: 204 } : fail(404, "ext_id", "wrong_value", "Store not found for given identifier."))],
  ];

  function answer(method: string, path: string, query: URLSearchParams, raw: string, authorization: string | undefined): Answer {
    let body: Record<string, unknown> = {};
    try {
      if (raw) body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return fail(400, "payload", "invalid_json", "The payload is not valid JSON.");
    }
    if (path === "/authenticate") {
      if (method !== "POST") return { status: 405, body: "Method Not Allowed." };
      if (typeof body.api_key !== "string" || body.api_key === "") return fail(400, "api_key", "is_blank", "Api key is missing.");
      if (body.api_key !== settings.apiKey) return fail(400, "username", "authentication.failed", "User authentication failed.");
      return { status: 200, body: { token: issueToken() } };
    }
    const matching = routes.map(([m, pattern, handle]) => [m, path.match(pattern), handle] as const).filter(([, match]) => match);
    if (matching.length === 0) return fail(404, null, "not_found", `No route found for "${method} ${path}"`);
    if (!authorised(authorization)) return { status: 401, body: "Authentication failed." };
    const route = matching.find(([m]) => m === method);
    if (!route) return { status: 405, body: "Method Not Allowed." };
    return route[2]([...route[1]!].map((s) => decodeURIComponent(s)), body, query);
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://sandbox");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString();
    const entry: Logged = { at: Date.now(), method: req.method ?? "GET", path: url.pathname, status: 0 };
    try {
      entry.body = raw ? JSON.parse(raw) : undefined;
    } catch {
      entry.body = raw;
    }
    log.push(entry);
    const limit = rateLimit(bucketOf(url.pathname));
    const result = limit.limited ? { status: 429, body: { message: "API rate limit exceeded" } } : answer(entry.method, url.pathname, url.searchParams, raw, req.headers.authorization);
    entry.status = result.status;
    res.writeHead(result.status, { "content-type": "application/json", ...limit.headers });
    res.end(result.body === undefined || result.status === 204 ? "" : JSON.stringify(result.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get apiKey() {
      return settings.apiKey;
    },
    universe,
    contacts: universe.contacts,
    products: universe.products,
    orders: universe.orders,
    stores: universe.stores,
    log,
    /** Requests to a method and path (a prefix, or a pattern). */
    requests: (method: string, path: string | RegExp) => log.filter((l) => l.method === method && (typeof path === "string" ? l.path.startsWith(path) : path.test(l.path))),
    configure: (next: Partial<SplioSandboxOptions>) => (settings = { ...settings, ...next }),
    /** Every token issued so far stops working, as when their hour is over. */
    expireTokens: expireAll,
    /** After `n` more authorised requests, every token issued by then expires (an hour passing mid-run). */
    expireTokensAfter: (n: number) => (expireAfter = n),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

export type SplioSandbox = Awaited<ReturnType<typeof startSplioSandbox>>;
