/** Talking to Splio: the API key exchanged for a bearer token (cached, renewed once on 401), its rate-limit headers, its error envelope. */
import "server-only";
import crypto from "node:crypto";
import { joinUrl, tokenCache } from "../shared/api";
import { type ConnectionConfig, type ConnectorContext, DestinationConfigError, type HttpResponse, type VendorLimit } from "../types";
import type { SplioSecrets, SplioSettings } from "./config";

export type SplioConnection = ConnectionConfig<SplioSettings, SplioSecrets>;
export type SplioContext = ConnectorContext<SplioSettings, SplioSecrets>;

/** Splio says both 1 h and 24 h; its support article says re-authenticate every 50 minutes. */
const TOKEN_REUSE_SECONDS = 50 * 60;

const headerNumber = (a: HttpResponse, name: string) => {
  const value = a.headers.get(name);
  return value === null || value.trim() === "" || !Number.isFinite(Number(value)) ? undefined : Number(value);
};

/**
 * Splio's per-IP buckets (Kong-style `RateLimit-*` headers, reset in seconds; no Retry-After): a 429 waits
 * until the bucket resets, and a bucket emptied by this answer pauses before the next request.
 */
export function splioLimits(a: HttpResponse): VendorLimit | undefined {
  const waitMs = Math.max(1, headerNumber(a, "ratelimit-reset") ?? 1) * 1000;
  if (a.status === 429) return { retryAfterMs: waitMs };
  if (headerNumber(a, "ratelimit-remaining") === 0) return { pauseMs: waitMs };
  return undefined;
}

type SplioError = { error_key?: unknown; error?: unknown; error_description?: unknown };

/** The first error of Splio's envelope (`errors` is an array, or an object on some 503s). */
export function splioError(a: HttpResponse): SplioError | undefined {
  const errors = (a.json as { errors?: unknown } | undefined)?.errors;
  const first = Array.isArray(errors) ? errors[0] : errors;
  return first && typeof first === "object" ? (first as SplioError) : undefined;
}

/** "400: Another product already exists with external_id p1." — Splio's own words, whatever shape they came in. */
export function splioMessage(a: HttpResponse): string {
  const error = splioError(a);
  if (error) {
    const description = typeof error.error_description === "string" && error.error_description ? error.error_description : String(error.error ?? "error");
    const detail = [error.error_key, error.error].filter((x) => typeof x === "string" && x).join(": ");
    return `${a.status}: ${description}${detail ? ` (${detail})` : ""}`;
  }
  if (typeof a.json === "string") return `${a.status}: ${a.json}`;
  const message = (a.json as { message?: unknown } | undefined)?.message;
  if (typeof message === "string") return `${a.status}: ${message}`;
  return `Splio answered ${a.status}`;
}

/** Splio words duplicates as "… already exists" (contacts, orders: wrong_value; products: already_exists). */
export const isAlreadyExists = (description: unknown, code?: unknown) => code === "already_exists" || (typeof description === "string" && /already exists/i.test(description));

const cacheKey = (c: SplioConnection) => `splio:${c.settings.apiBaseUrl}:${crypto.createHash("sha256").update(c.secrets.apiKey).digest("hex")}`;

/** Seconds the token may be reused from `now`: its JWT `exp` when it has one, at most 50 minutes (plus the cache's minute of margin). */
function reuseSeconds(token: string, now: number): number {
  const limit = TOKEN_REUSE_SECONDS + 60;
  try {
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as { exp?: unknown };
    return typeof claims.exp === "number" ? Math.min(limit, Math.floor(claims.exp - now / 1000)) : limit;
  } catch {
    return limit;
  }
}

async function authenticate({ http, connection: c, clock }: SplioContext) {
  const a = await http({ method: "POST", url: joinUrl(c.settings.apiBaseUrl, "/authenticate"), body: { api_key: c.secrets.apiKey }, limits: splioLimits });
  const token = (a.json as { token?: unknown } | undefined)?.token;
  if (a.status === 200 && typeof token === "string" && token) return { token, expiresInSeconds: reuseSeconds(token, clock.now()) };
  if (a.status === 400 || a.status === 401 || a.status === 403)
    throw new DestinationConfigError(`Splio refused the API key (${splioMessage(a)}): copy it again from the universe's Users API page`);
  throw new DestinationConfigError(`Splio's POST /authenticate answered ${a.status}: check the API base URL`);
}

/** The token, exchanged once for every call that needs one at the same moment (see tokenCache). */
const token = (ctx: SplioContext) => tokenCache.get(ctx.clock, cacheKey(ctx.connection), () => authenticate(ctx));

/** Drops the cached token, so the next call exchanges the key again (Test connection checks the key itself). */
export const forgetToken = (c: SplioConnection) => tokenCache.forget(cacheKey(c));

export type SplioRequest = { method: string; path: string; body?: unknown };

/**
 * One call with the cached token. A 401 (token expired or revoked) gets a new token and the call is sent
 * once more; a second 401, or a 403, ends the run: no record can be written with these credentials.
 */
export async function splioCall(ctx: SplioContext, request: SplioRequest): Promise<HttpResponse> {
  const { http, connection: c } = ctx;
  const send = (bearer: string) =>
    http({ method: request.method, url: joinUrl(c.settings.apiBaseUrl, request.path), body: request.body, headers: { authorization: `Bearer ${bearer}` }, limits: splioLimits });
  const used = await token(ctx);
  let answer = await send(used);
  if (answer.status === 401) {
    await tokenCache.forget(cacheKey(c), used);
    answer = await send(await token(ctx));
    if (answer.status === 401) throw new DestinationConfigError(`Splio refused a token it had just issued (${splioMessage(answer)}): check the API user in Splio`);
  }
  if (answer.status === 403)
    throw new DestinationConfigError(`Splio does not let this API user ${request.method} ${request.path.split("?")[0]} (${splioMessage(answer)}): grant it access in the Users API page`);
  return answer;
}

/**
 * The pages of a Splio list (`per_page` ≤ 1000, `page_number` from 1, `count_element` in all). Pages are read
 * until the count is reached (a page may hold fewer than asked); without a count, until a short page. An
 * empty page before the count throws: a replace never acts on part of the list.
 */
export async function* splioPages<T>(ctx: SplioContext, path: string, what: string): AsyncIterable<T[]> {
  const perPage = 1_000;
  for (let page = 1, seen = 0; ; page++) {
    const a = await splioCall(ctx, { method: "GET", path: `${path}${path.includes("?") ? "&" : "?"}per_page=${perPage}&page_number=${page}` });
    if (a.status !== 200) throw new DestinationConfigError(`Splio could not list ${what} (${splioMessage(a)})`);
    const body = a.json as { count_element?: unknown; elements?: unknown } | undefined;
    const elements = Array.isArray(body?.elements) ? (body.elements as T[]) : [];
    yield elements;
    seen += elements.length;
    const total = typeof body?.count_element === "number" ? body.count_element : undefined;
    if (total === undefined ? elements.length < perPage : seen >= total) return;
    if (elements.length === 0) throw new DestinationConfigError(`Splio listed ${seen} of its ${total} ${what.replace(/^the /, "")}, then an empty page: stopped rather than act on part of the list`);
  }
}
