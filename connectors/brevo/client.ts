/** Talking to Brevo's API v3: the api-key header, its rate-limit headers, and what its answers mean. */
import "server-only";
import { joinUrl } from "../shared/api";
import { DestinationConfigError, type HttpClient, type HttpResponse, type VendorLimit } from "../types";
import type { BrevoSecrets, BrevoSettings } from "./config";

export type Connection = { settings: BrevoSettings; secrets: BrevoSecrets };

/** A reset further away than this is a spent hourly budget: stopping beats holding a delivery step for up to an hour. */
export const LONGEST_WAIT_SECONDS = 60;
/** 425 Too Early is transient but undocumented: wait a second and send again. */
const TOO_EARLY_WAIT_MS = 1_000;

/**
 * Brevo's own limit signals, on every answer of a rate-limited endpoint [B5]: `x-sib-ratelimit-remaining`
 * reaching 0 pauses until `x-sib-ratelimit-reset` (seconds); a 429 waits that long and sends again; a reset
 * too far away (the hourly bucket) ends the run with a clear message, its records going with the next run.
 */
export function brevoLimits(a: HttpResponse): VendorLimit | undefined {
  const header = (name: string) => {
    const value = a.headers.get(`x-sib-ratelimit-${name}`);
    return value === null || value.trim() === "" || !Number.isFinite(Number(value)) ? undefined : Number(value);
  };
  const reset = header("reset");
  const limit = header("limit");
  if (a.status === 429) {
    if (reset !== undefined && reset > LONGEST_WAIT_SECONDS)
      return {
        exhausted:
          `Brevo's request limit is spent${limit !== undefined ? ` (${limit} requests per window)` : ""} and resets in ${Math.ceil(reset / 60)} min: ` +
          "the run stops here, and the records not sent go with the next run",
      };
    return { retryAfterMs: (reset ?? 1) * 1000 };
  }
  if (a.status === 425) return { retryAfterMs: TOO_EARLY_WAIT_MS };
  if (header("remaining") === 0 && reset !== undefined && reset <= LONGEST_WAIT_SECONDS) return { pauseMs: reset * 1000 };
  return undefined;
}

/** One request to Brevo through `http` (the run's client, or the direct one outside runs). */
export function brevoCall(http: HttpClient, connection: Connection, method: string, path: string, body?: unknown) {
  return http({
    method,
    url: joinUrl(connection.settings.apiBaseUrl, path),
    headers: { "api-key": connection.secrets.apiKey },
    body,
    timeoutMs: 30_000,
    limits: brevoLimits,
  });
}

/** Brevo's error model `{code, message, metadata?}` [B1, B4]. */
export type BrevoError = { code?: string; message?: string; metadata?: { duplicate_identifiers?: string[] } };

export const errorOf = (a: HttpResponse): BrevoError => (a.json && typeof a.json === "object" ? (a.json as BrevoError) : {});

/** "400 duplicate_parameter: Unable to create contact, …" — what the record log shows. */
export function messageOf(a: HttpResponse): string {
  const e = errorOf(a);
  const what = [e.code, e.message].filter(Boolean).join(": ");
  return what ? `${a.status} ${what}` : `Brevo answered ${a.status}`;
}

/** A create or update refused because another contact holds the identifier; older answers say it with invalid_parameter [B6]. */
export function isDuplicate(a: HttpResponse): boolean {
  const e = errorOf(a);
  if (a.status !== 400) return false;
  return e.code === "duplicate_parameter" || (e.code === "invalid_parameter" && /already (exist|associated)/i.test(e.message ?? ""));
}

export const isNotFound = (a: HttpResponse) => a.status === 404 && errorOf(a).code === "document_not_found";

/** What is wrong with the key, in words a user can act on. */
export function credentialsProblem(a: HttpResponse): string | undefined {
  if (a.status !== 401 && a.status !== 403) return undefined;
  const e = errorOf(a);
  const said = e.message ? ` (${a.status} ${e.code ?? ""}: ${e.message})`.replace(" :", ":") : ` (${a.status})`;
  if (/ip address/i.test(e.message ?? "")) return `Brevo refused this server's IP address${said}: authorise it under Security → Authorised IPs in Brevo`;
  if (a.status === 403) return `Brevo refused the request: the API key lacks the permission${said}`;
  return `Brevo refused the API key${said}: check the key under SMTP & API → API keys`;
}

/** Bad credentials end the run: no record can be written. */
export function assertAuthorised(a: HttpResponse) {
  const problem = credentialsProblem(a);
  if (problem) throw new DestinationConfigError(problem);
}
