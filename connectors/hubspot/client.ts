/** Requests to HubSpot's CRM v3 API and how to read its answers: errors, missing scopes, rate-limit signals. */
import "server-only";
import { rateLimitWaitMs } from "@/lib/http/rate-limit";
import { joinUrl } from "../shared/api";
import { type ConnectionConfig, DestinationConfigError, type HttpRequest, type HttpResponse, type VendorLimit } from "../types";
import type { HubspotSecrets, HubspotSettings } from "./config";

export type HubspotConnection = ConnectionConfig<HubspotSettings, HubspotSecrets>;

/** HubSpot's error body; every field is optional (the docs say to treat them so). */
export type HubspotError = {
  status?: string;
  category?: string;
  subCategory?: unknown;
  message?: string;
  policyName?: string;
  context?: { ids?: unknown[]; objectWriteTraceId?: unknown[] } & Record<string, unknown>;
  errors?: { message?: string; code?: string; context?: unknown }[];
  links?: Record<string, string>;
};

const TEN_SECONDS = 10_000;

/**
 * HubSpot's own limit signals: a 429 names its policy (DAILY = the day's quota is spent: stop the run; a
 * rolling window = wait it out), and `X-HubSpot-RateLimit-Remaining: 0` means the window's budget is used up.
 */
export function hubspotLimits(answer: HttpResponse): VendorLimit | undefined {
  const interval = Number(answer.headers.get("x-hubspot-ratelimit-interval-milliseconds")) || TEN_SECONDS;
  if (answer.status === 429) {
    const body = errorOf(answer);
    if (/daily/i.test(body.policyName ?? "") || /daily limit/i.test(body.message ?? ""))
      return {
        exhausted: `HubSpot's daily API limit for this account is spent ("${body.message ?? "429 DAILY"}"): the run stopped and its remaining records are sent by the next run, once the limit resets at midnight in the account's time zone`,
      };
    // The search API's limit is per second; the others roll over the interval the headers give (10 s).
    return { retryAfterMs: rateLimitWaitMs(answer.headers) ?? (body.policyName === "SECONDLY" ? 1_000 : interval) };
  }
  // Transient refusals HubSpot documents: 423 Locked (wait at least 2 s), 477 (honour Retry-After).
  if (answer.status === 423 || answer.status === 477) return { retryAfterMs: rateLimitWaitMs(answer.headers) ?? 2_000 };
  // The oldest request leaves the rolling window at most one interval later; a little margin for clock skew.
  if (answer.headers.get("x-hubspot-ratelimit-remaining") === "0") return { pauseMs: Math.ceil(interval * 1.05) };
  return undefined;
}

/** A request to the connection's HubSpot API, with the private app's token and HubSpot's limit signals. */
export function hubspotRequest(connection: HubspotConnection, method: string, path: string, body?: unknown): HttpRequest {
  return {
    method,
    url: joinUrl(connection.settings.apiBaseUrl, path),
    headers: { authorization: `Bearer ${connection.secrets.accessToken}` },
    body,
    timeoutMs: 30_000,
    limits: hubspotLimits,
  };
}

export const errorOf = (answer: HttpResponse): HubspotError => (answer.json && typeof answer.json === "object" ? (answer.json as HubspotError) : {});

/** "409 CONFLICT: Contact already exists. Existing ID: 512" */
export function describeAnswer(answer: HttpResponse): string {
  const e = errorOf(answer);
  const what = [answer.status, e.category].filter(Boolean).join(" ");
  return e.message ? `${what}: ${e.message}` : `HubSpot answered ${what}`;
}

/** The scopes a 403 MISSING_SCOPES names (`errors[].context.requiredScopes`, sometimes a string). */
export function missingScopes(error: HubspotError): string[] {
  const scopes = new Set<string>();
  for (const item of error.errors ?? []) {
    const context = item.context;
    if (context && typeof context === "object")
      for (const key of ["requiredScopes", "missingScopes"]) {
        const list = (context as Record<string, unknown>)[key];
        if (Array.isArray(list)) list.forEach((s) => scopes.add(String(s)));
      }
    if (typeof context === "string") for (const m of context.matchAll(/[a-z-]+(?:\.[a-z_-]+)+/g)) scopes.add(m[0]);
  }
  return [...scopes];
}

/** Says what the token lacks, in words a user can act on. */
export function refusalMessage(answer: HttpResponse, doing: string): string {
  const e = errorOf(answer);
  if (answer.status === 401)
    return `HubSpot refused the access token (401 ${e.category ?? "INVALID_AUTHENTICATION"}): paste a valid private app token in the connection${e.message ? ` (${e.message.split(". ")[0]})` : ""}`;
  const scopes = missingScopes(e);
  if (scopes.length)
    return `HubSpot refused to ${doing}: the private app lacks the scope ${scopes.join(" or ")} (403 ${e.category ?? "MISSING_SCOPES"}). Add it under Settings → Integrations → Private apps → Scopes, then try again`;
  return `HubSpot refused to ${doing} (${describeAnswer(answer)})`;
}

/** A refused token or a missing scope ends the run at once: no record can be written. */
export function assertAuthorised(answer: HttpResponse, doing: string) {
  if (answer.status === 401 || answer.status === 403) throw new DestinationConfigError(refusalMessage(answer, doing));
}

/** "Contact already exists. Existing ID: 37765128953" → "37765128953" */
export const existingIdOf = (message: string | undefined) => message?.match(/Existing ID: ?(\d+)/i)?.[1];

/** HubSpot refuses to match on a property whose values are not unique: the sync's match key must change. */
export function assertUniqueMatch(answer: HttpResponse, property: string) {
  const e = errorOf(answer);
  if (answer.status === 400 && /non-unique/i.test(e.message ?? ""))
    throw new DestinationConfigError(`HubSpot cannot match records on "${property}": its values are not unique (${e.message}). Match on a property with unique values`);
}
