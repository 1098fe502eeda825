/** Pieces every connector to a vendor's HTTP API shares: the base URL setting, result helpers, a worker pool, token cache. */
import { z } from "zod";
import { PublicError } from "@/lib/errors";
import { type Clock, DestinationConfigError, type EarlierAttempt, type HttpResponse, type RecordResult } from "../types";

/** The vendor's API root, folded under "Advanced": tests and proxies point the connector elsewhere. */
export const apiBaseUrl = (vendorDefault: string) =>
  z
    .url({ protocol: /^https?$/, error: "Enter the API's base URL, starting with https://" })
    .default(vendorDefault)
    .meta({ advanced: true, description: `Only for a proxy or a test server. Default: ${vendorDefault}` });

export const joinUrl = (base: string, path: string) => `${base.replace(/\/+$/, "")}${path}`;

/** What the record log keeps of a vendor's answer. */
export const excerpt = (a: HttpResponse) => ({ status: a.status, body: a.text.slice(0, 2_000) });

/** Errors that end the whole run (bad credentials, spent quota, refused address) rather than one record. */
export const isRunFatal = (error: unknown) => error instanceof DestinationConfigError || error instanceof PublicError;

/**
 * A record whose request still failed after the technical retries. Errors that end the run are thrown
 * again so the run fails at once with their message.
 */
export function technicalFailure(key: string, error: unknown, earlier?: EarlierAttempt[]): RecordResult {
  if (isRunFatal(error)) throw error;
  const response = (error as { response?: HttpResponse }).response;
  return { key, status: "failed", kind: "technical", message: (error as Error).message, response: response && excerpt(response), earlier };
}

/** The warning of a record sent without the identifiers it gave that the destination would refuse. */
export const droppedWarning = (dropped: string[]) => `${dropped.join("; ")}: sent without ${dropped.length === 1 ? "it" : "them"}`;

/** A result that went through carries the warning; a failed one already says what went wrong. */
export const withWarning = (result: RecordResult, warning: string | undefined): RecordResult => (warning && result.status === "ok" ? { ...result, warning } : result);

/** Runs `work` over `items` with at most `size` at a time, results in input order. */
export async function pool<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!);
      }
    }),
  );
  return out;
}

/** Splits a list into chunks of at most `size`. */
export const chunks = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

const tokens = new Map<string, { token: Promise<string>; expiresAt: number }>();

/**
 * An access token (OAuth, Splio, Google) kept in memory per credentials until a minute before it expires,
 * on the connector's clock; calls that need one at the same moment share one request for it. `forget` drops
 * a token the vendor refused (revoked early) — only that one, not a newer one another call already got.
 */
export const tokenCache = {
  async get(clock: Clock, cacheKey: string, issue: () => Promise<{ token: string; expiresInSeconds: number }>): Promise<string> {
    const cached = tokens.get(cacheKey);
    if (cached && cached.expiresAt > clock.now()) return cached.token;
    const entry: { token: Promise<string>; expiresAt: number } = { token: issue().then((t) => ((entry.expiresAt = clock.now() + Math.max(0, t.expiresInSeconds - 60) * 1000), t.token)), expiresAt: Infinity };
    tokens.set(cacheKey, entry);
    entry.token.catch(() => tokens.get(cacheKey) === entry && tokens.delete(cacheKey));
    return entry.token;
  },
  async forget(cacheKey: string, refused?: string) {
    const cached = tokens.get(cacheKey);
    if (cached && (refused === undefined || (await cached.token.catch(() => undefined)) === refused)) tokens.delete(cacheKey);
  },
};
