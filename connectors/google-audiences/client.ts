/**
 * The Data Manager API client: a service account's OAuth token (a JWT signed RS256 with its private key,
 * exchanged at the token URI), Google's error bodies, its quota signals, and requests that refresh a
 * token Google stopped accepting.
 */
import "server-only";
import crypto from "node:crypto";
import { joinUrl, tokenCache } from "../shared/api";
import { type ConnectionConfig, type ConnectorContext, DestinationConfigError, type HttpResponse, type VendorLimit } from "../types";
import { digitsOf, type GoogleAudiencesSecrets, type GoogleAudiencesSettings, GOOGLE_TOKEN_URL, parseServiceAccountKey, type ServiceAccountKey } from "./config";

export const DATA_MANAGER_SCOPE = "https://www.googleapis.com/auth/datamanager";

type Connection = ConnectionConfig<GoogleAudiencesSettings, GoogleAudiencesSecrets>;

export function serviceAccountKey(connection: Connection): ServiceAccountKey {
  const parsed = parseServiceAccountKey(connection.secrets.serviceAccountKey ?? "");
  if (!parsed.ok) throw new DestinationConfigError(parsed.error);
  return parsed.key;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/** The signed assertion of RFC 7523 that Google's token endpoint exchanges for an access token. */
export function signAssertion(key: ServiceAccountKey, p: { audience: string; scope: string; nowSeconds: number }): string {
  const header = { alg: "RS256", typ: "JWT", ...(key.private_key_id ? { kid: key.private_key_id } : {}) };
  const claims = { iss: key.client_email, scope: p.scope, aud: p.audience, iat: p.nowSeconds, exp: p.nowSeconds + 3600 };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  let privateKey: crypto.KeyObject;
  try {
    privateKey = crypto.createPrivateKey(key.private_key);
  } catch {
    throw new DestinationConfigError("The service account key's private_key cannot be read: paste the JSON key file Google gave you, unchanged");
  }
  return `${input}.${base64url(crypto.sign("RSA-SHA256", Buffer.from(input), privateKey))}`;
}

const tokenUrlOf = (connection: Connection, key: ServiceAccountKey) => connection.settings.tokenUrl ?? key.token_uri ?? GOOGLE_TOKEN_URL;
const cacheKeyOf = (connection: Connection, key: ServiceAccountKey) =>
  `google-audiences:${key.client_email}:${crypto.createHash("sha256").update(key.private_key).digest("hex").slice(0, 16)}:${tokenUrlOf(connection, key)}`;

async function issueToken({ http, connection, clock }: ConnectorContext<GoogleAudiencesSettings, GoogleAudiencesSecrets>, key: ServiceAccountKey) {
  // Google checks `aud` against its own token URI, whichever address the request goes through.
  const assertion = signAssertion(key, { audience: key.token_uri ?? GOOGLE_TOKEN_URL, scope: DATA_MANAGER_SCOPE, nowSeconds: Math.floor(clock.now() / 1000) });
  const answer = await http({
    method: "POST",
    url: tokenUrlOf(connection, key),
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }).toString(),
  });
  const json = (answer.json ?? {}) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
  if (answer.status === 200 && json.access_token) return { token: json.access_token, expiresInSeconds: Number(json.expires_in ?? 3600) };
  const why = json.error ? `${json.error}${json.error_description ? `: ${json.error_description}` : ""}` : `HTTP ${answer.status}`;
  throw new DestinationConfigError(`Google refused the service account key ${key.client_email} (${why}): check the key, or create a new one`);
}

/** Google's error body: `{error: {code, status, message, details: [ErrorInfo, BadRequest, RetryInfo, RequestInfo…]}}`. */
export type GoogleError = {
  code: number;
  status: string;
  message: string;
  reason?: string;
  metadata: Record<string, string>;
  violations: { field: string; description: string; reason?: string }[];
  retryDelayMs?: number;
  requestId?: string;
};

export function googleError(answer: HttpResponse): GoogleError {
  const error = ((answer.json as { error?: Record<string, unknown> } | undefined)?.error ?? {}) as Record<string, unknown>;
  const details = (Array.isArray(error.details) ? error.details : []) as Record<string, unknown>[];
  const of = (type: string) => details.find((d) => String(d["@type"]).endsWith(type));
  const info = of("google.rpc.ErrorInfo");
  const retry = of("google.rpc.RetryInfo")?.retryDelay;
  const seconds = typeof retry === "string" ? Number(retry.replace(/s$/, "")) : NaN;
  return {
    code: Number(error.code ?? answer.status),
    status: String(error.status ?? ""),
    message: typeof error.message === "string" ? error.message : answer.text.slice(0, 200) || `HTTP ${answer.status}`,
    reason: typeof info?.reason === "string" ? info.reason : undefined,
    metadata: (info?.metadata ?? {}) as Record<string, string>,
    violations: ((of("google.rpc.BadRequest")?.fieldViolations ?? []) as GoogleError["violations"]).map((v) => ({ field: String(v.field ?? ""), description: String(v.description ?? ""), reason: v.reason })),
    retryDelayMs: Number.isFinite(seconds) ? seconds * 1000 : undefined,
    requestId: (of("google.rpc.RequestInfo")?.requestId as string | undefined) ?? (info?.metadata as Record<string, string> | undefined)?.requestId,
  };
}

export const describeError = (e: GoogleError) =>
  `${e.code} ${e.status || "error"}${e.reason && e.reason !== e.status ? ` ${e.reason}` : ""}: ${e.message}${e.violations.length ? ` (${e.violations.map((v) => `${v.field}: ${v.reason ? `${v.reason} ` : ""}${v.description}`).join("; ")})` : ""}${e.requestId ? ` [request ${e.requestId}]` : ""}`;

/**
 * What a 429 says: a daily quota spent stops the run (the next one sends the rest); a per-minute one is
 * waited out for as long as RetryInfo asks (else the client's Retry-After or its own delays).
 */
export function quotaSignal(answer: HttpResponse): VendorLimit | undefined {
  if (answer.status !== 429) return undefined;
  const e = googleError(answer);
  const quota = e.metadata.quota_limit ?? e.metadata.quotaLimit ?? "";
  if (/day/i.test(quota)) return { exhausted: `Google's daily quota ${quota} is spent for this Cloud project: the next run sends the rest (${e.message})` };
  return e.retryDelayMs !== undefined ? { retryAfterMs: e.retryDelayMs } : undefined;
}

function permissionProblem(e: GoogleError, settings: GoogleAudiencesSettings, email: string) {
  if (e.reason === "SERVICE_DISABLED") return `The Data Manager API is not enabled in the service account's Cloud project: enable it there, then try again (${e.message})`;
  if (e.reason === "ACCESS_TOKEN_SCOPE_INSUFFICIENT") return `The access token lacks the ${DATA_MANAGER_SCOPE} scope (${e.message})`;
  const via = settings.loginAccountId ? ` through login account ${settings.loginAccountId}` : "";
  return `Google refused access to ${settings.operatingAccountType} account ${settings.operatingAccountId}${via}: give ${email} access to it (${describeError(e)})`;
}

export type DataManager = { call(method: string, path: string, body?: unknown): Promise<HttpResponse>; email: string };

/**
 * Requests to the Data Manager API with the service account's token, through the context's `http` (a run's
 * with its retries, or a quick one; both within the connection's rate budget). A token Google refuses (401)
 * is dropped and issued again once; refused again, or any 403, ends the run: no record can go.
 */
export function dataManager(ctx: ConnectorContext<GoogleAudiencesSettings, GoogleAudiencesSecrets>): DataManager {
  const { http, connection } = ctx;
  const key = serviceAccountKey(connection);
  const cacheKey = cacheKeyOf(connection, key);
  const s = connection.settings;
  const loginHeader: Record<string, string> = s.loginAccountId ? { "login-account": `accountTypes/${s.loginAccountType}/accounts/${digitsOf(s.loginAccountId)}` } : {};
  return {
    email: key.client_email,
    async call(method, path, body) {
      for (let attempt = 0; ; attempt++) {
        const token = await tokenCache.get(ctx.clock, cacheKey, () => issueToken(ctx, key));
        const answer = await http({ method, url: joinUrl(s.apiBaseUrl, path), body, timeoutMs: 60_000, headers: { authorization: `Bearer ${token}`, ...loginHeader }, limits: quotaSignal });
        if (answer.status === 401) {
          await tokenCache.forget(cacheKey, token);
          if (attempt === 0) continue;
          throw new DestinationConfigError(`Google refused the service account's access token (${describeError(googleError(answer))})`);
        }
        if (answer.status === 403) throw new DestinationConfigError(permissionProblem(googleError(answer), s, key.client_email));
        return answer;
      }
    },
  };
}
