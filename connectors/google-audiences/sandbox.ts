/**
 * A local imitation of Google's Data Manager API for Customer Match, built from the fact sheet's checklist:
 * a token endpoint that verifies the service account's RS256-signed JWT with its public key, bearer
 * tokens with scope and account-access checks (401 / 403 with ErrorInfo), user lists (list, get, create),
 * ingest / remove / removeAll with Google's fast-fail validation (one bad record refuses the whole request),
 * consent required on every ingested member, requestStatus answering PROCESSING before SUCCESS or
 * PARTIAL_SUCCESS with error counts, and injected 429 RESOURCE_EXHAUSTED / 503. It keeps the members in
 * memory (by identifier, digests as hex, grouped by the user they were ingested as: a removal takes the
 * identifiers named or, when set to, that whole user) and logs every request.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { checkDestinations, checkIngestRequest, checkMembers, field, identifierKey, type Violation } from "./sandbox-rules";

const SCOPE = "https://www.googleapis.com/auth/datamanager";
const GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";
type Json = Record<string, unknown>;
/** A member entry per identifier; `user` groups the identifiers matched to one person (an entry without one is its own). */
type Entry = { lastAdded: number; consent: Json; user?: string };
type List = { account: string; id: string; displayName: string; uploadKeyTypes: string[]; readOnly: boolean; members: Map<string, Entry> };
type Request = { kind: "ingest" | "remove" | "removeAll"; polls: number; destinations: unknown[]; records: number; identifiers: number; errorCounts: Record<string, number> };
export type Fault = { status: 429; quota: "minute" | "day"; retryDelaySeconds?: number } | { status: 503 };
export type Logged = { at: number; method: string; path: string; status: number; body?: Json; response: Json };

export type GoogleSandboxOptions = {
  /** The service account Google knows: its email and the public half of its key. */
  serviceAccount: { email: string; publicKey: string | crypto.KeyObject };
  /** Accounts the service account reaches, with their user lists; a manager names the client accounts it reaches. */
  accounts: Record<string, { lists?: { id: string; displayName: string; uploadKeyTypes?: string[]; readOnly?: boolean }[]; clients?: string[] }>;
  /** requestStatus answers PROCESSING this many times per request before its final status. */
  processingPolls?: number;
  /** Google's clock against ours (a machine whose clock runs ahead has a negative offset here). */
  clockOffsetMs?: number;
  /** Every ingested member must carry consent (its own or the request's) [sandbox choice, as the issue asks]. */
  requireConsent?: boolean;
  /**
   * What a removal takes away: only the identifiers named (default), or the whole user they match, with
   * every identifier ingested together with them [sandbox choice: the fact sheet does not say; Customer
   * Match matches identifiers to users, so a removal can drop identifiers other than those it names].
   */
  removes?: "identifier" | "matchedUser";
  /** A further fast-fail rule of Google's that the connector cannot know (a violation at `audience_members[i].<field>`). */
  refuse?: (member: Json, index: number) => Violation | undefined;
  serviceDisabled?: boolean;
};

const userOf = (key: string, entry: Entry) => entry.user ?? key;

/** Ingests one member's identifiers as one user, merged with every user any of them already matches. */
function addMember(list: List, keys: string[], entry: Omit<Entry, "user">) {
  const matched = new Set(keys.flatMap((k) => (list.members.has(k) ? [userOf(k, list.members.get(k)!)] : [])));
  const user = matched.values().next().value ?? crypto.randomUUID();
  for (const [k, m] of list.members) if (matched.has(userOf(k, m))) m.user = user;
  for (const k of keys) list.members.set(k, { ...entry, user });
}

function removeMember(list: List, keys: string[], removes: "identifier" | "matchedUser") {
  if (removes === "identifier") return keys.forEach((k) => list.members.delete(k));
  const users = new Set(keys.flatMap((k) => (list.members.has(k) ? [userOf(k, list.members.get(k)!)] : [])));
  for (const [k, m] of list.members) if (users.has(userOf(k, m))) list.members.delete(k);
}

const errorBody = (code: number, status: string, message: string, extra: { reason?: string; domain?: string; metadata?: Json; violations?: Violation[]; retryDelay?: string } = {}) => {
  const requestId = `t-${crypto.randomBytes(6).toString("hex")}`;
  const details: Json[] = [
    { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: extra.reason ?? status, domain: extra.domain ?? "datamanager.googleapis.com", metadata: { requestId, ...extra.metadata } },
    { "@type": "type.googleapis.com/google.rpc.RequestInfo", requestId },
  ];
  if (extra.violations?.length) details.push({ "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolations: extra.violations });
  if (extra.retryDelay) details.push({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: extra.retryDelay });
  return { error: { code, message, status, details } };
};

export async function startGoogleAudiencesSandbox(options: GoogleSandboxOptions) {
  let settings = { processingPolls: 2, requireConsent: true, clockOffsetMs: 0, removes: "identifier" as const, ...options };
  const publicKey = typeof options.serviceAccount.publicKey === "string" ? crypto.createPublicKey(options.serviceAccount.publicKey) : options.serviceAccount.publicKey;
  const lists = new Map<string, List>();
  for (const [account, a] of Object.entries(options.accounts))
    for (const l of a.lists ?? []) lists.set(l.id, { account, id: l.id, displayName: l.displayName, uploadKeyTypes: l.uploadKeyTypes ?? ["CONTACT_ID"], readOnly: l.readOnly ?? false, members: new Map() });
  const tokens = new Map<string, { email: string; scopes: string[]; expiresAt: number }>();
  const requests = new Map<string, Request>();
  const validateOnlyIds = new Set<string>();
  const faults: Fault[] = [];
  const log: Logged[] = [];
  const now = () => Date.now() + settings.clockOffsetMs;

  const listJson = (l: List) => ({
    name: `accountTypes/GOOGLE_ADS/accounts/${l.account}/userLists/${l.id}`,
    id: l.id,
    displayName: l.displayName,
    readOnly: l.readOnly,
    membershipStatus: "OPEN",
    ingestedUserListInfo: { uploadKeyTypes: l.uploadKeyTypes, contactIdInfo: { dataSourceType: "DATA_SOURCE_TYPE_FIRST_PARTY" } },
  });
  /** The service account reaches an account directly, or through a login (manager) account it reaches. */
  const reaches = (operating: string, login?: string) => (login ? Boolean(options.accounts[login]) && (login === operating || (options.accounts[login]!.clients ?? []).includes(operating)) : Boolean(options.accounts[operating]));

  function token(form: URLSearchParams): [number, Json] {
    const refuse = (error: string, description: string): [number, Json] => [400, { error, error_description: description }];
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") return refuse("unsupported_grant_type", "Invalid grant_type: ");
    const [h, c, sig] = (form.get("assertion") ?? "").split(".");
    let header: Json, claims: Json;
    try {
      [header, claims] = [JSON.parse(Buffer.from(h!, "base64url").toString()), JSON.parse(Buffer.from(c!, "base64url").toString())];
    } catch {
      return refuse("invalid_request", "Invalid JWT: the assertion is not a JWT.");
    }
    if (header.alg !== "RS256") return refuse("invalid_grant", "Invalid JWT: unsupported algorithm.");
    if (claims.iss !== options.serviceAccount.email) return refuse("invalid_grant", "Invalid grant: account not found");
    if (!sig || !crypto.verify("RSA-SHA256", Buffer.from(`${h}.${c}`), publicKey, Buffer.from(sig, "base64url"))) return refuse("invalid_grant", "Invalid JWT Signature.");
    if (claims.aud !== GOOGLE_TOKEN_URI) return refuse("invalid_grant", "Invalid JWT: Failed audience check.");
    const [iat, exp, t] = [Number(claims.iat), Number(claims.exp), now() / 1000];
    if (!(exp - iat <= 3600 && iat <= t + 300 && exp > t - 300))
      return refuse("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.");
    const scopes = String(claims.scope ?? "").split(/\s+/).filter(Boolean);
    if (!scopes.length) return refuse("invalid_scope", "Invalid OAuth scope or ID token audience provided.");
    const accessToken = `ya29.sandbox-${crypto.randomBytes(12).toString("hex")}`;
    tokens.set(accessToken, { email: options.serviceAccount.email, scopes, expiresAt: now() + 3_599_000 });
    return [200, { access_token: accessToken, expires_in: 3599, token_type: "Bearer" }];
  }

  /** Who may call: a live token with the datamanager scope, in a project where the API is on. */
  function authorise(req: http.IncomingMessage): [number, Json] | undefined {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const t = bearer ? tokens.get(bearer) : undefined;
    if (!t || t.expiresAt < now())
      return [401, errorBody(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", { reason: bearer ? "ACCESS_TOKEN_EXPIRED" : "CREDENTIALS_MISSING", domain: "googleapis.com" })];
    if (settings.serviceDisabled)
      return [403, errorBody(403, "PERMISSION_DENIED", "Data Manager API has not been used in project 1234 before or it is disabled.", { reason: "SERVICE_DISABLED", domain: "googleapis.com", metadata: { service: "datamanager.googleapis.com" } })];
    if (!t.scopes.includes(SCOPE)) return [403, errorBody(403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.", { reason: "ACCESS_TOKEN_SCOPE_INSUFFICIENT", domain: "googleapis.com" })];
    const fault = faults.shift();
    if (fault?.status === 503) return [503, errorBody(503, "UNAVAILABLE", "The service is currently unavailable.")];
    if (fault?.status === 429) {
      const quota = fault.quota === "day" ? "IngestRequestsPerDayPerProject" : "IngestRequestsPerMinutePerProject";
      return [429, errorBody(429, "RESOURCE_EXHAUSTED", `Quota exceeded for quota metric 'Ingest requests' and limit '${quota}' of service 'datamanager.googleapis.com'.`, {
        reason: "RATE_LIMIT_EXCEEDED",
        domain: "googleapis.com",
        metadata: { quota_limit: quota, quota_limit_value: fault.quota === "day" ? "100000" : "300", service: "datamanager.googleapis.com", consumer: "projects/1234" },
        retryDelay: fault.retryDelaySeconds === undefined ? undefined : `${fault.retryDelaySeconds}s`,
      })];
    }
    return undefined;
  }

  const denied = (): [number, Json] => [403, errorBody(403, "PERMISSION_DENIED", "The caller does not have permission", { reason: "PERMISSION_DENIED" })];
  const invalid = (violations: Violation[]): [number, Json] => [400, errorBody(400, "INVALID_ARGUMENT", "There was a problem with the request.", { reason: "INVALID_ARGUMENT", violations })];
  const knownList = (account: string, id: string) => lists.get(id)?.account === account && !lists.get(id)!.readOnly;
  const destinationsReached = (body: Json) =>
    (field(body, "destinations") as unknown[]).every((d) => reaches(String(field(field(d, "operatingAccount"), "accountId")), field(d, "loginAccount") ? String(field(field(d, "loginAccount"), "accountId")) : undefined));
  const listsOf = (body: Json) => (field(body, "destinations") as unknown[]).map((d) => lists.get(String(field(d, "productDestinationId")))!);

  function audienceMembers(kind: "ingest" | "remove" | "removeAll", body: Json): [number, Json] {
    const violations: Violation[] = [];
    checkDestinations(field(body, "destinations"), knownList, violations);
    if (kind === "ingest") checkIngestRequest(body, { requireConsent: settings.requireConsent, refuse: settings.refuse }, violations);
    if (kind === "remove") checkMembers(body, { ingest: false, requireConsent: false, requestConsent: undefined, refuse: settings.refuse }, violations);
    const asOf = kind === "removeAll" && field(body, "removeAsOfTime") !== undefined ? Date.parse(String(field(body, "removeAsOfTime"))) : now();
    if (Number.isNaN(asOf)) violations.push({ field: "remove_as_of_time", description: "Invalid timestamp.", reason: "INVALID_ARGUMENT" });
    else if (asOf > now()) violations.push({ field: "remove_as_of_time", description: "The remove as of time must not be in the future.", reason: "INVALID_ARGUMENT" });
    if (violations.length) return invalid(violations);
    if (!destinationsReached(body)) return denied();
    const requestId = crypto.randomUUID();
    if (field(body, "validateOnly") === true) {
      validateOnlyIds.add(requestId);
      return [200, { requestId }];
    }
    const request: Request = { kind, polls: 0, destinations: field(body, "destinations") as unknown[], records: 0, identifiers: 0, errorCounts: {} };
    const encoding = String(field(body, "encoding"));
    for (const list of listsOf(body)) {
      if (kind === "removeAll") for (const [key, m] of list.members) if (m.lastAdded < asOf) list.members.delete(key);
      for (const member of (field(body, "audienceMembers") ?? []) as unknown[]) {
        const ids = (field(field(member, "userData"), "userIdentifiers") ?? []) as unknown[];
        const consent = { ...(field(body, "consent") as Json), ...(field(member, "consent") as Json) };
        request.records++;
        request.identifiers += ids.length;
        if (kind === "ingest" && field(consent, "adUserData") === "CONSENT_DENIED") {
          request.errorCounts.PROCESSING_ERROR_REASON_DENIED_CONSENT = (request.errorCounts.PROCESSING_ERROR_REASON_DENIED_CONSENT ?? 0) + 1;
          continue;
        }
        const keys = ids.map((id) => identifierKey(id, encoding)!);
        if (kind === "ingest") addMember(list, keys, { lastAdded: now(), consent });
        else removeMember(list, keys, settings.removes);
      }
    }
    requests.set(requestId, request);
    return [200, { requestId }];
  }

  function requestStatus(id: string | null): [number, Json] {
    const request = id ? requests.get(id) : undefined;
    if (!id) return invalid([{ field: "request_id", description: "Required field is missing.", reason: "REQUIRED_FIELD_MISSING" }]);
    if (!request || validateOnlyIds.has(id)) return [400, errorBody(400, "INVALID_ARGUMENT", "The request ID is not valid.", { reason: "INVALID_REQUEST_ID" })];
    request.polls++;
    const failures = Object.values(request.errorCounts).reduce((a, b) => a + b, 0);
    const status = request.polls <= settings.processingPolls ? "PROCESSING" : failures === 0 ? "SUCCESS" : failures < request.records ? "PARTIAL_SUCCESS" : "FAILED";
    const counts = { recordCount: String(request.records), userIdentifierCount: String(request.identifiers) };
    return [
      200,
      {
        requestStatusPerDestination: request.destinations.map((destination) => ({
          destination,
          requestStatus: status,
          ...(status === "PARTIAL_SUCCESS" || status === "FAILED" ? { errorInfo: { errorCounts: Object.entries(request.errorCounts).map(([reason, n]) => ({ reason, recordCount: String(n) })) } } : {}),
          ...(status === "PROCESSING"
            ? {}
            : request.kind === "ingest"
              ? { audienceMembersIngestionStatus: { userDataIngestionStatus: { ...counts, uploadMatchRateRange: "MATCH_RATE_RANGE_NOT_ELIGIBLE" } } }
              : request.kind === "remove"
                ? { audienceMembersRemovalStatus: { userDataRemovalStatus: counts } }
                : { removeAllAudienceMembersStatus: {} }),
        })),
      },
    ];
  }

  function userLists(method: string, account: string, listId: string | undefined, url: URL, body: Json, login?: string): [number, Json] {
    if (!reaches(account, login)) return denied();
    if (method === "GET" && listId) {
      const list = lists.get(listId);
      return list && list.account === account ? [200, listJson(list)] : [404, errorBody(404, "NOT_FOUND", "Requested entity was not found.")];
    }
    if (method === "GET") {
      const all = [...lists.values()].filter((l) => l.account === account);
      const from = Number(url.searchParams.get("pageToken") ?? 0);
      const size = Math.min(1000, Number(url.searchParams.get("pageSize") ?? 50));
      return [200, { userLists: all.slice(from, from + size).map(listJson), ...(from + size < all.length ? { nextPageToken: String(from + size) } : {}) }];
    }
    const violations: Violation[] = [];
    if (!field(body, "displayName")) violations.push({ field: "display_name", description: "Required field is missing.", reason: "REQUIRED_FIELD_MISSING" });
    const keyTypes = field(field(body, "ingestedUserListInfo"), "uploadKeyTypes");
    if (!Array.isArray(keyTypes) || !keyTypes.length) violations.push({ field: "ingested_user_list_info.upload_key_types", description: "Required field is missing.", reason: "REQUIRED_FIELD_MISSING" });
    const duration = field(body, "membershipDuration");
    if (duration !== undefined && Number(String(duration).replace(/s$/, "")) % 86_400 !== 0)
      violations.push({ field: "membership_duration", description: "The membership duration must be a whole number of days.", reason: "INVALID_ARGUMENT" });
    if (violations.length) return invalid(violations);
    const list: List = { account, id: String(1_000_000 + lists.size), displayName: String(field(body, "displayName")), uploadKeyTypes: keyTypes as string[], readOnly: false, members: new Map() };
    if (url.searchParams.get("validateOnly") !== "true") lists.set(list.id, list);
    return [200, listJson(list)];
  }

  function route(req: http.IncomingMessage, url: URL, body: Json, form: URLSearchParams): [number, Json] {
    if (req.method === "POST" && url.pathname === "/token") return token(form);
    const refused = authorise(req);
    if (refused) return refused;
    const member = /^\/v1\/audienceMembers:(ingest|remove|removeAll)$/.exec(url.pathname)?.[1] as "ingest" | "remove" | "removeAll" | undefined;
    if (req.method === "POST" && member) return audienceMembers(member, body);
    if (req.method === "GET" && url.pathname === "/v1/requestStatus:retrieve") return requestStatus(url.searchParams.get("requestId"));
    const lists = /^\/v1\/accountTypes\/([A-Z_]+)\/accounts\/([^/]+)\/userLists(?:\/(\d+))?$/.exec(url.pathname);
    const login = /accounts\/(\d+)$/.exec(String(req.headers["login-account"] ?? ""))?.[1];
    if (lists && (req.method === "GET" || (req.method === "POST" && !lists[3]))) return userLists(req.method, lists[2]!, lists[3], url, body, login);
    return [404, errorBody(404, "NOT_FOUND", `The requested URL ${url.pathname} was not found on this server.`)];
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://sandbox");
    const raw: Buffer[] = [];
    for await (const chunk of req) raw.push(chunk as Buffer);
    const text = Buffer.concat(raw).toString();
    const form = new URLSearchParams(String(req.headers["content-type"]).includes("urlencoded") ? text : "");
    let body: Json = {};
    try {
      body = text && !String(req.headers["content-type"]).includes("urlencoded") ? (JSON.parse(text) as Json) : {};
    } catch {
      body = {};
    }
    const [status, answer] = route(req, url, body, form);
    log.push({ at: Date.now(), method: req.method ?? "GET", path: url.pathname, status, body: req.method === "POST" && url.pathname !== "/token" ? body : undefined, response: answer });
    res.writeHead(status, { "content-type": "application/json; charset=UTF-8", date: new Date(now()).toUTCString() });
    res.end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    tokenUrl: `${url}/token`,
    log,
    lists,
    requests,
    /** The identifier keys a list holds (`email:<hex>`, `phone:<hex>`, `address:…`). */
    members: (listId: string) => new Set(lists.get(listId)?.members.keys() ?? []),
    inject: (...next: Fault[]) => faults.push(...next),
    revokeTokens: () => tokens.clear(),
    configure: (next: Partial<GoogleSandboxOptions>) => (settings = { ...settings, ...next }),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

export type GoogleAudiencesSandbox = Awaited<ReturnType<typeof startGoogleAudiencesSandbox>>;
