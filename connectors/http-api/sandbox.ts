/**
 * A local HTTP API that follows the convention the HTTP API connector is configured for, and can be told
 * to misbehave: rate limits (429 + Retry-After), injected 5xx / timeouts / resets / lost replies, unique
 * emails (409 with the existing id), 404 on records that are gone, 422 on records a `reject` rule refuses
 * (as an API's own validation would), 401 once its token is changed (a revoked token). It counts every
 * request it receives. `POST /contacts/batch` takes an array and answers per record, like real bulk APIs:
 * 200 when every record was created, 207 Multi-Status with each record's own status (201, 409 with the
 * existing id, 422) otherwise, and 400 for a body that is not an array or a batch over `maxBatch`.
 * `PATCH /contacts/by-contact-id/{key}` updates a contact by its match key.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type Latency, latencyDraw, maxInWindow } from "../shared/sandbox-faults";

export type Fault = "5xx" | "timeout" | "reset" | "lost_reply";
export type SandboxOptions = {
  token?: string;
  rateLimit?: { limit: number; windowMs: number };
  faults?: { rate: number; kinds: Fault[]; seed?: number };
  /** The API's validation: a message refuses the record written (422), undefined accepts it. */
  reject?: (record: Record<string, unknown>) => string | undefined;
  /** The most records a batch takes: a larger one is refused as a whole (400). */
  maxBatch?: number;
  /** Batch results in reverse order (APIs that pair results with records by a key, not by position). */
  reverseBatchResults?: boolean;
  /** How long each request takes to reach the API: it is counted (and rate limited) when it arrives. */
  latency?: Latency;
};
type Contact = { id: string } & Record<string, unknown>;
type Logged = { at: number; method: string; path: string; status: number | "dropped" };

export async function startHttpApiSandbox(options: SandboxOptions = {}) {
  const token = options.token ?? "sandbox-token";
  let settings = { token, ...options };
  const contacts = new Map<string, Contact>();
  const idempotent = new Map<string, { status: number; body: unknown }>();
  const log: Logged[] = [];
  let seed = options.faults?.seed ?? 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let nextId = 1;
  const arrival = latencyDraw(() => settings.latency);

  /** One contact created, or why not: 409 with the existing id for a taken email, 422 for an invalid one. */
  const create = (input: Record<string, unknown>): [number, Record<string, unknown>] => {
    const existing = [...contacts.values()].find((c) => c.email === input.email);
    if (existing) return [409, { error: "duplicate", message: `A contact with email ${String(input.email)} exists`, existing_id: existing.id }];
    if (typeof input.email !== "string" || !input.email.includes("@")) return [422, { error: "invalid", message: "email is not a valid address" }];
    const created = { ...input, id: `ct_${nextId++}` };
    contacts.set(created.id, created);
    return [201, created];
  };

  /** A batch: each record created as on its own, each result with its own status and the record's contact_id. */
  const createMany = (input: unknown): [number, unknown] => {
    if (!Array.isArray(input)) return [400, { error: "invalid", message: "expected an array of contacts" }];
    if (settings.maxBatch && input.length > settings.maxBatch) return [400, { error: "invalid", message: `A batch holds at most ${settings.maxBatch} contacts, ${input.length} received` }];
    const results = input.map((record: Record<string, unknown>) => {
      const refused = settings.reject?.(record);
      const [status, body] = refused ? [422, { error: "invalid", message: refused }] : create(record);
      return { status, contact_id: record.contact_id, ...body };
    });
    if (settings.reverseBatchResults) results.reverse();
    return [results.every((r) => r.status === 201) ? 200 : 207, { results }];
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://sandbox");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    await arrival();
    const entry: Logged = { at: Date.now(), method: req.method ?? "GET", path: url.pathname, status: 0 };
    log.push(entry);
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(body === undefined ? "" : JSON.stringify(body));
    };

    if (req.headers.authorization !== `Bearer ${settings.token}`) return send(401, { error: "unauthorized", message: "Invalid or missing bearer token" });
    const limit = settings.rateLimit;
    if (limit) {
      const recent = log.filter((l) => l !== entry && l.at > entry.at - limit.windowMs && l.status !== 429);
      if (recent.length >= limit.limit) {
        const retryAfter = Math.max(1, Math.ceil((recent[0]!.at + limit.windowMs - entry.at) / 1000));
        return send(429, { error: "rate_limited", message: "Too many requests" }, { "retry-after": String(retryAfter) });
      }
    }
    let fault: Fault | undefined;
    if (settings.faults && random() < settings.faults.rate) fault = settings.faults.kinds[Math.floor(random() * settings.faults.kinds.length)];
    if (fault === "5xx") return send(503, { error: "unavailable", message: "Service temporarily unavailable" });
    if (fault === "timeout") return void (entry.status = "dropped"); // never answers
    if (fault === "reset") {
      entry.status = "dropped";
      return void req.socket.destroy();
    }

    let status = 200;
    let body: unknown;
    const key = req.headers["idempotency-key"] as string | undefined;
    const replay = key && req.method === "POST" ? idempotent.get(key) : undefined;
    const input = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as unknown) : {};
    const fields = (input && typeof input === "object" && !Array.isArray(input) ? input : {}) as Record<string, unknown>;
    const keyed = url.pathname.match(/^\/contacts\/by-contact-id\/([^/]+)$/)?.[1];
    const id = keyed ? [...contacts.values()].find((c) => c.contact_id === decodeURIComponent(keyed))?.id ?? "" : url.pathname.match(/^\/contacts\/([^/]+)$/)?.[1];
    const refused = (req.method === "POST" || req.method === "PATCH") && !Array.isArray(input) && settings.reject?.(fields);
    if (replay) ({ status, body } = replay);
    else if (refused) [status, body] = [422, { error: "invalid", message: refused }];
    else if (req.method === "POST" && url.pathname === "/contacts") {
      [status, body] = create(fields);
      if (key) idempotent.set(key, { status, body });
    } else if (req.method === "POST" && url.pathname === "/contacts/batch") {
      [status, body] = createMany(input);
      if (key) idempotent.set(key, { status, body });
    } else if (req.method === "PATCH" && id !== undefined) {
      const current = contacts.get(id);
      if (!current) [status, body] = [404, { error: "not_found", message: `No contact ${keyed ?? id}` }];
      else {
        const clash = [...contacts.values()].find((c) => c.id !== id && fields.email !== undefined && c.email === fields.email);
        if (clash) [status, body] = [409, { error: "duplicate", message: `A contact with email ${String(fields.email)} exists`, existing_id: clash.id }];
        else {
          contacts.set(id, { ...current, ...fields, id });
          body = contacts.get(id);
        }
      }
    } else if (req.method === "DELETE" && id) {
      if (contacts.delete(id)) status = 204;
      else [status, body] = [404, { error: "not_found", message: `No contact ${id}` }];
    } else if (req.method === "GET" && url.pathname === "/contacts") {
      const all = [...contacts.values()].sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
      const from = Number(url.searchParams.get("cursor") ?? 0);
      const size = Number(url.searchParams.get("limit") ?? 100);
      body = { data: all.slice(from, from + size), next_cursor: from + size < all.length ? String(from + size) : null };
    } else [status, body] = [404, { error: "not_found", message: "No such endpoint" }];

    if (fault === "lost_reply") {
      entry.status = "dropped";
      return void req.socket.destroy();
    }
    send(status, body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    contacts,
    log,
    configure: (next: Partial<SandboxOptions>) => (settings = { ...settings, ...next }),
    /** The most requests received in any interval of `windowMs` (a sliding window over the log). */
    maxInWindow: (windowMs: number) => maxInWindow(log.map((l) => l.at), windowMs),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

export type HttpApiSandbox = Awaited<ReturnType<typeof startHttpApiSandbox>>;
