/**
 * A local imitation of Brevo's API v3, built from ../shared/vendors/brevo.md ("What a faithful sandbox must
 * imitate"): the api-key header and its 401, contact attributes, contacts (create, update, get, list,
 * delete, batch update, async import with /processes), list membership, products, and per-bucket rate
 * limits with `x-sib-ratelimit-*` headers on every answer and 429 beyond them. It keeps everything in
 * memory and logs every request for the tests. As faults: latency before a request arrives, lost replies (a
 * write applied, then the connection dropped before the answer), and calls answered 503.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { faultDraw, type Latency, latencyDraw, maxInWindow } from "../shared/sandbox-faults";
import type { BrevoAttribute } from "./attributes";
import { type Answer, createStore, defaultAttributes, notFound, type SandboxContact } from "./sandbox-store";

export type Bucket = "contacts" | "products" | "orders" | "other";
export type BucketLimit = { perSecond?: number; perHour?: number };

/** The General plan [B5]. */
const GENERAL: Record<Bucket, BucketLimit> = {
  contacts: { perSecond: 10, perHour: 36_000 },
  products: { perSecond: 2, perHour: 7_200 },
  orders: { perSecond: 5, perHour: 18_000 },
  other: { perHour: 100 },
};

export type BrevoSandboxOptions = {
  apiKey?: string;
  /** How fast Brevo's clock runs: 0.01 makes its second 10 ms, in step with the tests' SYNC_TIME_SCALE. */
  timeScale?: number;
  limits?: Partial<Record<Bucket, BucketLimit>>;
  attributes?: BrevoAttribute[];
  lists?: Record<number, string>;
  /** Robustness: answer this many contact creates and updates with 425 Too Early first. */
  tooEarly?: number;
  /** Robustness: answer /contacts/batch with the legacy 207 {successIds, failureIds} rather than the all-or-nothing 404. */
  batch207?: boolean;
  /** Robustness: list pages hold at most this many contacts, whatever `limit` asks (the count still says how many there are). */
  maxPageSize?: number;
  /** Emails Brevo refuses to delete (405). */
  undeletable?: string[];
  /** Robustness: calls ("GET /contacts/attributes") answered 503 every time, as during an outage of that endpoint. */
  unavailable?: string[];
  /** How long each request takes to reach Brevo: it is counted (and rate limited) when it arrives. */
  latency?: Latency;
  /** A fault: this share of writes is applied, then the connection drops before the answer (a lost reply). */
  lostReplies?: { rate: number; seed?: number };
};

export type Logged = { at: number; method: string; path: string; query: string; status: number; body: unknown; headers: Record<string, string>; lost?: true };

const bucketOf = (method: string, path: string): Bucket =>
  path.startsWith("/contacts") ? "contacts" : method === "POST" && path === "/products" ? "products" : method === "POST" && path === "/orders/status" ? "orders" : "other";

export async function startBrevoSandbox(options: BrevoSandboxOptions = {}) {
  let settings = { apiKey: "xkeysib-sandbox", timeScale: 1, tooEarly: 0, batch207: false, undeletable: [] as string[], ...options };
  const store = createStore(options.attributes ?? defaultAttributes);
  const lists = new Map(Object.entries(options.lists ?? { 2: "Newsletter", 7: "Customers" }).map(([id, name]) => [Number(id), name]));
  const processes = new Map<number, { id: number; name: string; status: "queued" | "in_process" | "completed"; apply: () => void }>();
  const counters = new Map<string, number>();
  const log: Logged[] = [];
  let nextProcess = 1;
  const arrival = latencyDraw(() => settings.latency);
  const lost = faultDraw(() => settings.lostReplies);

  // Windows count from the sandbox's start: a test's budget is never refilled by a wall-clock boundary.
  const opened = Date.now();

  /** Fixed windows per bucket; the headers describe the window closest to its limit. */
  function rateLimit(bucket: Bucket): { refused: boolean; headers: Record<string, string> } {
    const limits = { ...GENERAL[bucket], ...settings.limits?.[bucket] };
    const second = 1000 * settings.timeScale;
    const windows = [
      { limit: limits.perSecond, ms: second },
      { limit: limits.perHour, ms: 3600 * second },
    ].flatMap(({ limit, ms }) => {
      if (!limit) return [];
      const elapsed = Date.now() - opened;
      const index = Math.floor(elapsed / ms);
      const key = `${bucket}:${ms}:${index}`;
      return [{ key, limit, used: counters.get(key) ?? 0, resetSeconds: Math.max(1, Math.ceil(((index + 1) * ms - elapsed) / second)) }];
    });
    const full = windows.find((w) => w.used >= w.limit);
    if (!full) for (const w of windows) counters.set(w.key, ++w.used);
    const shown = full ?? windows.sort((a, b) => a.limit - a.used - (b.limit - b.used))[0];
    const headers: Record<string, string> = shown ? { "x-sib-ratelimit-limit": String(shown.limit), "x-sib-ratelimit-remaining": String(Math.max(0, shown.limit - shown.used)), "x-sib-ratelimit-reset": String(shown.resetSeconds) } : {};
    return { refused: Boolean(full), headers };
  }

  function route(method: string, path: string, query: URLSearchParams, input: Record<string, unknown>): Answer {
    const contact = path.match(/^\/contacts\/([^/]+)$/)?.[1];
    const listAction = path.match(/^\/contacts\/lists\/(\d+)\/contacts\/(add|remove)$/);
    const tooEarly = () => settings.tooEarly > 0 && settings.tooEarly-- > 0;
    if (method === "GET" && path === "/account")
      return [200, { email: "owner@example.com", firstName: "Sandbox", lastName: "Owner", companyName: "Relay Sandbox", plan: [{ type: "free", credits: 300, creditsType: "sendLimit" }] }];
    if (method === "GET" && path === "/contacts/attributes") return [200, { attributes: settings.attributes ?? defaultAttributes }];
    if (method === "GET" && path === "/contacts") return store.list(Number(query.get("limit") ?? 50), Number(query.get("offset") ?? 0), settings.maxPageSize);
    if (method === "POST" && path === "/contacts") return tooEarly() ? [425, { code: "account_in_process", message: "Too early" }] : store.create(input);
    if (method === "POST" && path === "/contacts/batch") return store.batch(input.contacts as never, settings.batch207);
    if (method === "POST" && path === "/contacts/import") return startImport(input);
    if (listAction) {
      if (!lists.has(Number(listAction[1]))) return notFound("List ID does not exist");
      return store.listMembers(Number(listAction[1]), listAction[2] as "add" | "remove", input);
    }
    if (contact && contact !== "attributes" && contact !== "batch" && contact !== "import") {
      const found = store.resolve(contact, query.get("identifierType"));
      if (Array.isArray(found)) return found;
      const c = found as SandboxContact;
      if (method === "GET") return store.get(c);
      if (method === "PUT") return tooEarly() ? [425, { code: "account_in_process", message: "Too early" }] : store.update(c, input);
      if (method === "DELETE") return store.remove(c, settings.undeletable);
    }
    const process = path.match(/^\/processes\/(\d+)$/)?.[1];
    if (method === "GET" && process) {
      const p = processes.get(Number(process));
      if (!p) return notFound("Process does not exist");
      // Each look moves the import one step: queued → in_process → completed.
      if (p.status === "queued") p.status = "in_process";
      else if (p.status === "in_process") {
        p.status = "completed";
        p.apply();
      }
      return [200, { id: p.id, name: p.name, status: p.status }];
    }
    if (method === "POST" && path === "/products") return store.product(input);
    return [404, { code: "document_not_found", message: `No route ${method} ${path}` }];
  }

  /** POST /contacts/import [B1, B4]: exactly one source, then a process to poll. */
  function startImport(input: Record<string, unknown>): Answer {
    const sources = ["fileUrl", "fileBody", "jsonBody"].filter((s) => input[s] !== undefined);
    if (sources.length !== 1) return [400, { code: "invalid_parameter", message: "Pass exactly one of fileUrl, fileBody or jsonBody" }];
    if (!Array.isArray(input.listIds) && !input.newList) return [400, { code: "missing_parameter", message: "listIds or newList is required" }];
    const rows = Array.isArray(input.jsonBody) ? (input.jsonBody as { email?: string; attributes?: Record<string, unknown> }[]) : [];
    const id = nextProcess++;
    const listIds = Array.isArray(input.listIds) ? input.listIds.map(Number) : [];
    processes.set(id, { id, name: "import_contacts", status: "queued", apply: () => store.importContacts(rows, listIds, input.updateExistingContacts !== false) });
    return [202, { processId: id }];
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://sandbox");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    await arrival();
    const text = Buffer.concat(chunks).toString();
    const method = req.method ?? "GET";
    const path = url.pathname.replace(/^\/v3/, "");
    let input: Record<string, unknown> = {};
    let answer: Answer | undefined;
    let headers: Record<string, string> = {};
    try {
      input = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      answer = [400, { code: "bad_request", message: "Malformed JSON" }];
    }
    const key = req.headers["api-key"];
    if (!key) answer = [401, { code: "unauthorized", message: "authentication not found in headers" }];
    else if (key !== settings.apiKey) answer = [401, { code: "unauthorized", message: "Key not found" }];
    else if (settings.unavailable?.includes(`${method} ${path}`)) answer = [503, { code: "service_unavailable", message: "The service is temporarily unavailable" }];
    else {
      const limited = rateLimit(bucketOf(method, path));
      headers = limited.headers;
      answer ??= limited.refused ? [429, { code: "too_many_requests", message: "The expected rate limit is exceeded." }] : route(method, path, url.searchParams, input);
    }
    const [status, body] = answer;
    const entry: Logged = { at: Date.now(), method, path, query: url.search, status, body: input, headers };
    log.push(entry);
    if (status < 300 && method !== "GET" && lost()) {
      entry.lost = true;
      return void req.socket.destroy();
    }
    res.writeHead(status, { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers });
    res.end(body === undefined ? "" : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v3`,
    apiKey: settings.apiKey,
    contacts: store.contacts,
    products: store.products,
    lists,
    log,
    /** Adds a contact as someone working in Brevo would (the sync does not know it). */
    addContact: (input: { email?: string; ext_id?: string; attributes?: Record<string, unknown>; listIds?: number[] }) => {
      const [status, body] = store.create(input);
      if (status !== 201) throw new Error(`The sandbox refused the contact: ${JSON.stringify(body)}`);
      return store.contacts.get((body as { id: number }).id)!;
    },
    findContact: (p: { email?: string; extId?: string }) =>
      [...store.contacts.values()].find((c) => (p.email !== undefined && c.email === p.email.toLowerCase()) || (p.extId !== undefined && c.attributes.EXT_ID === p.extId)),
    /** The most requests Brevo received in any interval of `windowMs`, by its own clock. */
    maxInWindow: (windowMs: number) => maxInWindow(log.map((l) => l.at), windowMs),
    configure: (next: Partial<BrevoSandboxOptions>) => (settings = { ...settings, ...next }),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

export type BrevoSandbox = Awaited<ReturnType<typeof startBrevoSandbox>>;
