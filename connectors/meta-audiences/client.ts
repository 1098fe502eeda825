/** Meta's Graph API as this connector uses it: URLs, error codes, rate-limit signals and the ad account's audiences. */
import "server-only";
import { joinUrl } from "../shared/api";
import { type ConnectionConfig, DestinationConfigError, type HttpClient, type HttpResponse, type VendorLimit } from "../types";
import { type MetaAudiencesSecrets, type MetaAudiencesSettings, NEW_AUDIENCE_PREFIX } from "./config";

export type MetaConnection = ConnectionConfig<MetaAudiencesSettings, MetaAudiencesSecrets>;

export type GraphError = { message?: string; type?: string; code?: number; error_subcode?: number; error_user_title?: string; error_user_msg?: string; fbtrace_id?: string };

export type Audience = {
  id: string;
  name: string;
  subtype?: string;
  account_id?: string;
  approximate_count_lower_bound?: number;
  operation_status?: { code?: number; description?: string } | string;
};

const AUDIENCE_FIELDS = "id,name,subtype,account_id,approximate_count_lower_bound,operation_status";
/** Waits Meta asks for in words, not numbers ("wait a bit", "wait for Normal"); time-scaled in tests. */
const THROTTLE_WAIT_MS = 60_000;
const BUSY_WAIT_MS = 60_000;
const TRANSIENT_WAIT_MS = 5_000;
const LONGEST_WAIT_MS = 10 * 60_000;
/** Meta's throttles: the Custom Audience budget (80003), the old Ads API's (17) and the app's (4). */
const THROTTLES = new Set([4, 17, 80003]);

export const graphUrl = (s: MetaAudiencesSettings, path: string, query: Record<string, string> = {}) => {
  const qs = new URLSearchParams(query).toString();
  return `${joinUrl(s.apiBaseUrl, `/${s.graphVersion}/${path}`)}${qs ? `?${qs}` : ""}`;
};

export const graphErrorOf = (a: HttpResponse): GraphError | undefined => {
  const error = (a.json as { error?: unknown } | undefined)?.error;
  return error && typeof error === "object" ? (error as GraphError) : undefined;
};

export const describeError = (e: GraphError) =>
  `${e.error_user_title ? `${e.error_user_title}: ` : ""}${e.error_user_msg ?? e.message ?? "Meta refused the request"} (code ${e.code ?? "?"}${e.error_subcode ? `/${e.error_subcode}` : ""})`;

export const describeAnswer = (a: HttpResponse) => {
  const e = graphErrorOf(a);
  return e ? describeError(e) : `Meta answered ${a.status}`;
};

/** The longest wait `X-Business-Use-Case-Usage` announces (its estimated_time_to_regain_access is in minutes). */
export function regainAccessMs(headers: Headers): number | undefined {
  const raw = headers.get("x-business-use-case-usage");
  if (!raw) return undefined;
  try {
    const usage = JSON.parse(raw) as Record<string, { estimated_time_to_regain_access?: number }[]>;
    const minutes = Math.max(0, ...Object.values(usage).flatMap((list) => (Array.isArray(list) ? list : []).map((u) => Number(u.estimated_time_to_regain_access) || 0)));
    return minutes * 60_000;
  } catch {
    return undefined;
  }
}

/** Meta's own signals to wait and send again: throttles (with the header's wait), an audience busy with a replace, transient errors. */
export function graphLimits(a: HttpResponse): VendorLimit | undefined {
  const e = graphErrorOf(a);
  if (!e) return undefined;
  if (THROTTLES.has(e.code ?? 0)) {
    const waitMs = regainAccessMs(a.headers) || THROTTLE_WAIT_MS;
    // A step does not sleep for an hour: a long wait ends the run, and the next run sends the rest.
    if (waitMs > LONGEST_WAIT_MS) return { exhausted: `Meta's rate limit for this ad account is reached (code ${e.code}): access returns in about ${Math.round(waitMs / 60_000)} minutes, the next run sends the rest` };
    return { retryAfterMs: waitMs };
  }
  if (e.code === 2650 && e.error_subcode === 1870145) return { retryAfterMs: BUSY_WAIT_MS };
  // Transient errors answered 5xx are retried by the HTTP client itself.
  if ((e.code === 1 || e.code === 2) && a.status < 500) return { retryAfterMs: TRANSIENT_WAIT_MS };
  return undefined;
}

/** Errors no retry can fix (token, permissions, terms, a blocked audience, an expired API version): the run ends with Meta's words. */
export function assertUsable(a: HttpResponse, s: MetaAudiencesSettings) {
  const e = graphErrorOf(a);
  if (!e) return;
  const code = e.code ?? 0;
  const what = describeError(e);
  if (code === 190 || code === 102) throw new DestinationConfigError(`Meta refused the access token: ${what}. Create a new system-user token with ads_management`);
  if (e.error_subcode === 1870050) throw new DestinationConfigError(`The ad account must belong to a business portfolio: ${what}`);
  if (e.error_subcode === 1870090) throw new DestinationConfigError(`Accept the Custom Audience Terms for ${s.adAccountId} in Ads Manager first: ${what}`);
  if (code === 10 || (code >= 200 && code <= 299))
    throw new DestinationConfigError(`The token may not do this: ${what}. Assign the system user to ${s.adAccountId} (MANAGE or ADVERTISE) with ads_management`);
  if (code === 100 && e.error_subcode === 1713230) throw new DestinationConfigError(`Meta blocks uploads to this audience until its restrictions are resolved in Audience Manager: ${what}`);
  if (code === 2635) throw new DestinationConfigError(`Graph API ${s.graphVersion} is no longer served: ${what}. Pick a newer version in the connection`);
}

const ok = (a: HttpResponse) => a.status === 200 && !graphErrorOf(a);

/** The token as error messages may quote it (a network error names the URL), replaced. */
export function redactToken(text: string, token: string) {
  const forms = [token, encodeURIComponent(token), new URLSearchParams({ t: token }).toString().slice(2)];
  return forms.reduce((out, form) => (form ? out.split(form).join("[access token]") : out), text);
}

/**
 * A Graph API request with the access token in the query string: the form the docs give for a JSON body
 * (the token is not read from inside a JSON body) [G][U]. An error's message never quotes the token.
 */
export async function graphCall(
  http: HttpClient,
  conn: MetaConnection,
  request: { method: "GET" | "POST"; path: string; query?: Record<string, string>; body?: unknown; timeoutMs?: number },
): Promise<HttpResponse> {
  const token = conn.secrets.accessToken;
  try {
    return await http({ method: request.method, url: graphUrl(conn.settings, request.path, { ...request.query, access_token: token }), body: request.body, timeoutMs: request.timeoutMs, limits: graphLimits });
  } catch (error) {
    if (error instanceof Error) error.message = redactToken(error.message, token);
    throw error;
  }
}

async function get(http: HttpClient, conn: MetaConnection, path: string, query: Record<string, string>) {
  const a = await graphCall(http, conn, { method: "GET", path, query });
  assertUsable(a, conn.settings);
  return a;
}

/** The ad account's name, to say the token reaches it. */
export async function getAdAccount(http: HttpClient, conn: MetaConnection) {
  const a = await get(http, conn, conn.settings.adAccountId, { fields: "id,name,account_status" });
  if (!ok(a)) throw new DestinationConfigError(`The token cannot reach ${conn.settings.adAccountId}: ${describeAnswer(a)}`);
  return a.json as { id: string; name?: string };
}

/** Every audience of the ad account, page by page. */
export async function listAudiences(http: HttpClient, conn: MetaConnection): Promise<Audience[]> {
  const audiences: Audience[] = [];
  let after: string | undefined;
  do {
    const a = await get(http, conn, `${conn.settings.adAccountId}/customaudiences`, { fields: AUDIENCE_FIELDS, limit: "100", ...(after ? { after } : {}) });
    if (!ok(a)) throw new DestinationConfigError(`Listing the audiences of ${conn.settings.adAccountId} failed: ${describeAnswer(a)}`);
    const page = a.json as { data?: Audience[]; paging?: { next?: string; cursors?: { after?: string } } };
    audiences.push(...(page.data ?? []));
    after = page.paging?.next ? page.paging.cursors?.after : undefined;
  } while (after);
  return audiences;
}

export async function getAudience(http: HttpClient, conn: MetaConnection, id: string): Promise<Audience> {
  const a = await get(http, conn, encodeURIComponent(id), { fields: AUDIENCE_FIELDS });
  if (!ok(a)) throw new DestinationConfigError(`The audience ${id} cannot be read: ${describeAnswer(a)}`);
  return a.json as Audience;
}

/** What Meta says the audience is doing: a flagged audience (471) takes no uploads, a replace keeps it busy. */
export function audienceStatus(audience: Audience): "normal" | "flagged" | "replacing" | "replace_error" {
  const status = audience.operation_status;
  const code = typeof status === "object" ? status?.code : undefined;
  const text = (typeof status === "string" ? status : (status?.description ?? "")).toLowerCase();
  if (code === 471) return "flagged";
  if (text.includes("replace_error")) return "replace_error";
  if (text.includes("replace_in_progress")) return "replacing";
  return "normal";
}

export const isCustomerList = (audience: Audience) => audience.subtype === "CUSTOM";

/**
 * The audience a run writes to: by id, or for `new:<name>` the ad account's customer list of that name,
 * created (customer file source USER_PROVIDED_ONLY: the people gave their data to you) when there is none.
 * Looking the name up first makes a replayed begin find the audience it created.
 */
export async function resolveAudience(http: HttpClient, conn: MetaConnection, object: string): Promise<Audience> {
  const s = conn.settings;
  if (object.startsWith(NEW_AUDIENCE_PREFIX)) {
    const name = object.slice(NEW_AUDIENCE_PREFIX.length).trim();
    const existing = (await listAudiences(http, conn)).find((a) => a.name === name && isCustomerList(a));
    if (existing) return existing;
    const a = await graphCall(http, conn, {
      method: "POST",
      path: `${s.adAccountId}/customaudiences`,
      body: { name, subtype: "CUSTOM", customer_file_source: "USER_PROVIDED_ONLY", description: "Created by Relay" },
    });
    assertUsable(a, s);
    const id = (a.json as { id?: unknown } | undefined)?.id;
    if (!ok(a) || (typeof id !== "string" && typeof id !== "number")) throw new DestinationConfigError(`Creating the audience "${name}" failed: ${describeAnswer(a)}`);
    return { id: String(id), name, subtype: "CUSTOM" };
  }
  const audience = await getAudience(http, conn, object);
  if (!isCustomerList(audience)) throw new DestinationConfigError(`"${audience.name}" is not a customer-list audience (subtype ${audience.subtype ?? "unknown"}): pick one made from a customer list`);
  if (audience.account_id && `act_${audience.account_id}` !== s.adAccountId) throw new DestinationConfigError(`"${audience.name}" belongs to another ad account (act_${audience.account_id})`);
  return audience;
}
