/**
 * A local Graph API for customer-list custom audiences, built from the fact sheet's checklist
 * (../shared/vendors/meta-custom-audiences.md §7): /v{NN}.0/ paths (2635 for a version it does not serve),
 * the access token from the query or a form field (a JSON body takes it in the query; 190 with HTTP 400 otherwise), act_{id}/customaudiences,
 * /users (POST, DELETE, or POST with method=DELETE) and /usersreplace with their session rules, /sessions,
 * invalid entries counted and sampled, 80003 with X-Business-Use-Case-Usage, transient 1 and 2, flagged
 * audiences (100/1713230). It keeps audiences in memory and logs every request with its raw body.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  addMembers,
  fail,
  type GraphFailure,
  judgeRows,
  MAX_ROWS,
  type Member,
  placeBatch,
  removeMembers,
  type SandboxAudience,
  type SandboxSession,
  schemaKeys,
  SESSION_WINDOW_MS,
  type SessionInput,
  type Verdict,
} from "./sandbox-audiences";
import { FAULTS, type Fault, objectOf, parseBody } from "./sandbox-wire";

export type { Member, SandboxAudience, SandboxSession };

export type MetaSandboxOptions = {
  token?: string;
  adAccountId?: string;
  accountName?: string;
  /** Graph API versions served; others answer 2635. */
  versions?: string[];
  termsAccepted?: boolean;
  inBusinessPortfolio?: boolean;
  /** How long Meta applies a closed replace (operation_status replace_in_progress). */
  replaceProcessingMs?: number;
  /** A replace that ends in replace_error leaves the audience as it was. */
  replaceFails?: boolean;
  /**
   * Meta's own judgement of a well-hashed row (e.g. a value it knows to be invalid): a reason makes it an
   * invalid entry, sampled by the value of `key` when given, else by the row as sent.
   */
  invalid?: (member: Member) => Verdict;
};

/** `method` is the operation (a POST with method=DELETE is a DELETE), `verb` the HTTP method on the wire. */
export type LoggedRequest = { at: number; method: string; verb: string; path: string; query: Record<string, string>; raw: string; params: Record<string, unknown>; status: number; code?: number; subcode?: number };

export async function startMetaSandbox(options: MetaSandboxOptions = {}) {
  let settings = { token: "sandbox-system-user-token-0123456789", adAccountId: "act_1000000001", accountName: "Relay sandbox", versions: ["v24.0", "v25.0"], termsAccepted: true, inBusinessPortfolio: true, replaceProcessingMs: 0, ...options };
  const audiences = new Map<string, SandboxAudience>();
  const sessions = new Map<string, SandboxSession>();
  const log: LoggedRequest[] = [];
  const faults: Required<Fault>[] = [];
  let skew = 0;
  let nextId = 23850000000000001n;
  const now = () => Date.now() + skew;
  const accountDigits = () => settings.adAccountId.slice(4);
  let url = "";

  const addAudience = (a: Partial<SandboxAudience> & { name: string }) => {
    const audience: SandboxAudience = { id: String(nextId++), subtype: "CUSTOM", customerFileSource: "USER_PROVIDED_ONLY", members: [], flagged: false, busyUntil: 0, replaceError: false, ...a };
    audiences.set(audience.id, audience);
    return audience;
  };

  /** A replace left open past its window is applied with what arrived [G]. */
  const settle = (a: SandboxAudience) => {
    const open = a.replace && sessions.get(a.replace.sessionId);
    if (a.replace && open && now() - open.startedAt > SESSION_WINDOW_MS) finishReplace(a);
  };
  const finishReplace = (a: SandboxAudience) => {
    if (settings.replaceFails) a.replaceError = true;
    else a.members = a.replace!.members;
    a.replace = undefined;
    a.busyUntil = now() + settings.replaceProcessingMs;
  };
  const busy = (a: SandboxAudience) => (settle(a), Boolean(a.replace) || now() < a.busyUntil);
  const status = (a: SandboxAudience) =>
    a.flagged
      ? { code: 471, description: "This audience is restricted: resolve it in Audience Manager" }
      : busy(a)
        ? { code: 400, description: "replace_in_progress" } // [sandbox choice] the code; the guide names the state
        : a.replaceError
          ? { code: 400, description: "replace_error" }
          : { code: 200, description: "Normal" };
  const view = (a: SandboxAudience) => ({
    id: a.id,
    name: a.name,
    subtype: a.subtype,
    description: a.description,
    account_id: accountDigits(),
    customer_file_source: a.customerFileSource,
    approximate_count_lower_bound: a.members.length,
    operation_status: status(a),
  });

  function upload(a: SandboxAudience, endpoint: SandboxSession["endpoint"], method: SandboxSession["method"], params: Record<string, unknown>): { status: number; body: unknown } | GraphFailure {
    if (a.flagged)
      return fail(400, 100, "Invalid parameter", {
        subcode: 1713230,
        title: "Audience Upload Blocked",
      });
    const payload = objectOf(params.payload);
    if (!payload) return fail(400, 100, "(#100) The parameter payload is required");
    const keys = schemaKeys(payload.schema);
    if (!Array.isArray(keys)) return keys;
    const data = payload.data;
    if (!Array.isArray(data) || data.length === 0) return fail(400, 100, "(#100) Data is missing or does not match schema");
    if (data.length > MAX_ROWS) return fail(400, 100, `(#100) At most ${MAX_ROWS} rows per request, ${data.length} received`); // [sandbox choice] the code
    const replace = endpoint === "usersreplace";
    if (replace && a.subtype !== "CUSTOM") return fail(400, 100, "(#100) Only customer-list audiences (subtype CUSTOM) can be replaced");
    if (replace && (a.size ?? a.members.length) >= 100_000_000) return fail(400, 2650, "The audience has 100 million people or more: use /users", { subcode: 1870144 });
    const input = objectOf(params.session) as SessionInput | undefined;
    if (replace && !input) return fail(400, 100, "(#100) usersreplace takes its rows in a session"); // [sandbox choice]
    const judged = judgeRows(keys, data, settings.invalid);
    if (!input) {
      // The guide marks session as required, Segment's production client omits it [SEG]: accepted.
      if (busy(a)) return fail(400, 2650, "The audience is being updated: wait until it is Normal", { subcode: 1870145, title: "Audience still updating" });
      (method === "DELETE" ? removeMembers : addMembers)(a.members, judged.members);
      return { status: 200, body: { audience_id: a.id, session_id: String(nextId++), num_received: data.length, num_invalid_entries: judged.invalid, invalid_entry_samples: judged.samples } };
    }
    const id = String(input.session_id);
    const existing = sessions.get(id);
    const place = placeBatch({ session: existing, input, endpoint, method, audienceId: a.id, now: now() });
    if ("code" in place) return place;
    if (place.kind === "again") return { status: 200, body: existing!.lastAnswer };
    if (place.kind === "discard") return { status: 200, body: { ...existing!.lastAnswer, invalid_entry_samples: {} } };
    const opensReplace = replace && place.kind === "new";
    // One replace at a time, and no /users while it runs [G].
    if ((opensReplace || !replace) && busy(a)) return fail(400, 2650, "The audience is being updated: wait until it is Normal", { subcode: 1870145, title: "Audience still updating" });
    const session: SandboxSession = existing ?? { id, audienceId: a.id, endpoint, method, lastSeq: 0, closed: false, startedAt: now(), received: 0, invalid: 0, matched: 0 };
    sessions.set(id, session);
    if (opensReplace) a.replace = { sessionId: id, members: [] };
    if (replace) addMembers(a.replace!.members, judged.members);
    else (method === "DELETE" ? removeMembers : addMembers)(a.members, judged.members);
    session.lastSeq = Number(input.batch_seq);
    session.received += data.length;
    session.invalid += judged.invalid;
    session.matched += judged.members.length;
    if (input.last_batch_flag === true || input.last_batch_flag === "true") {
      session.closed = true;
      if (replace) finishReplace(a);
    }
    const counts = { session_id: id, num_received: session.received, num_invalid_entries: session.invalid, invalid_entry_samples: judged.samples };
    session.lastAnswer = replace ? { account_id: accountDigits(), ...counts } : { audience_id: a.id, ...counts };
    return { status: 200, body: session.lastAnswer };
  }

  function route(method: string, parts: string[], query: URLSearchParams, params: Record<string, unknown>): { status: number; body: unknown } | GraphFailure {
    const [first, edge] = parts;
    if (first === settings.adAccountId && !edge && method === "GET") return { status: 200, body: { id: settings.adAccountId, name: settings.accountName, account_status: 1 } };
    if (first === settings.adAccountId && edge === "customaudiences" && method === "GET") {
      const all = [...audiences.values()].map(view);
      const from = Number(Buffer.from(query.get("after") ?? "", "base64").toString() || 0);
      const size = Math.min(Number(query.get("limit") ?? 25), 500);
      const page = all.slice(from, from + size);
      const after = Buffer.from(String(from + size)).toString("base64");
      const more = from + size < all.length;
      return { status: 200, body: { data: page, paging: { cursors: { before: Buffer.from(String(from)).toString("base64"), after }, ...(more ? { next: `${url}/${parts.join("/")}?after=${after}` } : {}) } } };
    }
    if (first === settings.adAccountId && edge === "customaudiences" && method === "POST") {
      if (!settings.inBusinessPortfolio) return fail(403, 200, "The ad account must belong to a business portfolio to create custom audiences", { subcode: 1870050 });
      if (!settings.termsAccepted) return fail(403, 200, "Accept the Custom Audience Terms for this ad account first", { subcode: 1870090 });
      if (typeof params.name !== "string" || !params.name.trim()) return fail(400, 100, "(#100) The parameter name is required");
      if (params.subtype !== "CUSTOM") return fail(400, 100, "(#100) subtype must be CUSTOM for a customer-file audience");
      const source = params.customer_file_source;
      if (!["USER_PROVIDED_ONLY", "PARTNER_PROVIDED_ONLY", "BOTH_USER_AND_PARTNER_PROVIDED"].includes(String(source)))
        return fail(400, 100, "(#100) customer_file_source must be USER_PROVIDED_ONLY, PARTNER_PROVIDED_ONLY or BOTH_USER_AND_PARTNER_PROVIDED");
      if ([...audiences.values()].filter((a) => a.subtype === "CUSTOM").length >= 500) return fail(400, 100, "(#100) An ad account holds at most 500 customer-file audiences");
      const created = addAudience({ name: params.name, customerFileSource: String(source), description: typeof params.description === "string" ? params.description : undefined });
      return { status: 200, body: { id: created.id } };
    }
    const audience = first ? audiences.get(first) : undefined;
    if (audience && !edge && method === "GET") return { status: 200, body: view(audience) };
    if (audience && edge === "users" && (method === "POST" || method === "DELETE")) return upload(audience, "users", method, params);
    if (audience && edge === "usersreplace" && method === "POST") return upload(audience, "usersreplace", "POST", params);
    if (audience && edge === "sessions" && method === "GET") {
      const data = [...sessions.values()]
        .filter((s) => s.audienceId === audience.id)
        .map((s) => ({
          session_id: s.id,
          start_time: Math.floor(s.startedAt / 1000),
          end_time: s.closed ? Math.floor(now() / 1000) : 0,
          num_received: s.received,
          num_matched: s.matched,
          num_invalid_entries: s.invalid,
          stage: s.closed ? "processed" : now() - s.startedAt > SESSION_WINDOW_MS ? "timeout" : "processing",
        }));
      return { status: 200, body: { data } };
    }
    return fail(400, 100, `Unsupported ${method.toLowerCase()} request. Object with ID '${first ?? ""}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`, { subcode: 33 });
  }

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const u = new URL(req.url ?? "/", "http://sandbox");
    const entry: LoggedRequest = { at: now(), method: req.method ?? "GET", verb: req.method ?? "GET", path: u.pathname, query: Object.fromEntries(u.searchParams), raw, params: {}, status: 0 };
    log.push(entry);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    const refuse = (f: GraphFailure, headers: Record<string, string> = {}) => {
      [entry.code, entry.subcode] = [f.code, f.subcode];
      const type = f.code === 190 || f.code === 200 || f.code === 80003 ? "OAuthException" : "GraphMethodException";
      send(f.status, { error: { message: f.message, type, code: f.code, ...(f.subcode ? { error_subcode: f.subcode } : {}), ...(f.title ? { error_user_title: f.title, error_user_msg: f.message } : {}), fbtrace_id: crypto.randomBytes(8).toString("base64url") } }, headers);
    };
    const type = req.headers["content-type"] ?? "";
    try {
      entry.params = { ...Object.fromEntries(u.searchParams), ...parseBody(raw, type) };
    } catch {
      return refuse(fail(400, 100, "(#100) The request body could not be parsed"));
    }
    const method = (String(entry.params.method ?? "").toUpperCase() === "DELETE" && req.method === "POST" ? "DELETE" : req.method) ?? "GET";
    entry.method = method;
    const [version, ...parts] = u.pathname.split("/").filter(Boolean);
    if (!version || !/^v\d+\.0$/.test(version)) return refuse(fail(400, 2500, "Unknown path components: the path starts with a version such as /v25.0/"));
    if (!settings.versions.includes(version))
      return refuse(fail(400, 2635, `(#2635) You are calling a deprecated version of the Ads API. Please update to the latest version: ${settings.versions.at(-1)}.`));
    // The documented forms: the token as a form field, or in the query string (the form a JSON body takes) [A][G][U].
    const token = raw && !/form-data|x-www-form-urlencoded/.test(type) ? u.searchParams.get("access_token") : entry.params.access_token;
    if (token !== settings.token) return refuse(fail(400, 190, "Invalid OAuth access token - Cannot parse access token"));
    const fault = faults.find((f) => f.times > 0 && f.paths.test(u.pathname));
    if (fault) {
      fault.times--;
      const f = FAULTS[fault.code];
      const usage = { [accountDigits()]: [{ type: "custom_audience", call_count: 100, total_cputime: 12, total_time: 18, estimated_time_to_regain_access: fault.regainMinutes }] };
      return refuse(fail(f.status, fault.code, f.message, { subcode: f.subcode }), fault.code === 80003 || fault.code === 17 ? { "x-business-use-case-usage": JSON.stringify(usage) } : {});
    }
    const answer = route(method, parts, u.searchParams, entry.params);
    if ("code" in answer) return refuse(answer);
    send(answer.status, answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    get token() {
      return settings.token;
    },
    get adAccountId() {
      return settings.adAccountId;
    },
    audiences,
    sessions,
    log,
    addAudience,
    audience: (id: string) => {
      const a = audiences.get(id);
      if (a) settle(a);
      return a;
    },
    configure: (next: Partial<MetaSandboxOptions>) => (settings = { ...settings, ...next }),
    /** The next `times` matching requests answer this error (80003 and 17 with X-Business-Use-Case-Usage). */
    inject: (fault: Fault) => faults.push({ times: 1, regainMinutes: 0, paths: /\/users(replace)?$/, ...fault }),
    /** Moves the sandbox's clock (session windows, replace processing). */
    advance: (ms: number) => (skew += ms),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

export type MetaSandbox = Awaited<ReturnType<typeof startMetaSandbox>>;
