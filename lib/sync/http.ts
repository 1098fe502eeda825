import "server-only";
import { ofetch } from "ofetch";
import { type HttpClient, type HttpRequest, type HttpResponse, QuotaExhausted } from "@/connectors/types";
import { PublicError } from "@/lib/errors";
import { assertPublicUrl, type OutboundPolicy } from "@/lib/security/outbound";
import { env } from "@/lib/env";

export type { HttpClient, HttpRequest, HttpResponse };

/** A request that still failed for technical reasons (network, timeout, 5xx, 429) after every retry. */
export class TechnicalFailure extends Error {
  constructor(
    message: string,
    readonly response?: HttpResponse,
  ) {
    super(message);
    this.name = "TechnicalFailure";
  }
}

/** How long a 429 asks us to wait: Retry-After (seconds or a date), else the vendor's reset header. */
export function rateLimitWaitMs(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = headers.get("retry-after");
  if (retryAfter) {
    const seconds = Number(retryAfter);
    return Number.isFinite(seconds) ? seconds * 1000 : Math.max(0, Date.parse(retryAfter) - now);
  }
  const reset = headers.get("ratelimit-reset") ?? headers.get("x-ratelimit-reset");
  if (reset && Number.isFinite(Number(reset))) {
    const value = Number(reset);
    return value > 1e9 ? Math.max(0, value * 1000 - now) : value * 1000;
  }
  return undefined;
}

const MAX_REDIRECTS = 5;

/** One request to a user-chosen URL: redirects followed by hand, so every hop's address is checked against the outbound policy. */
export async function fetchGuarded(request: HttpRequest, outbound: OutboundPolicy) {
  let url = request.url;
  let method = request.method;
  let body = request.body;
  for (let hop = 0; ; hop++) {
    await assertPublicUrl(url, outbound);
    const response = await ofetch.raw<string, "text">(url, {
      method,
      headers: { accept: "application/json", ...(body === undefined || typeof body === "string" ? {} : { "content-type": "application/json" }), ...request.headers },
      body: body === undefined || typeof body === "string" ? body : JSON.stringify(body),
      timeout: request.timeoutMs ?? 30_000,
      retry: 0,
      ignoreResponseError: true,
      responseType: "text",
      redirect: "manual",
    });
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || !location || hop === MAX_REDIRECTS) return response;
    url = new URL(location, url).toString();
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) [method, body] = ["GET", undefined];
  }
}

/** Waits a rate-limited request may take before it counts as a technical failure (each wait is the vendor's own). */
const RATE_LIMIT_WAITS = 20;

/**
 * The HTTP client a connector writes through: each request takes a permit (from the connection's rate
 * budget, during a run), is refused if it (or a redirect) points at a private address, then is retried on technical
 * failures after each of `delaysMs`. Rate limits (429, or the vendor's own signal read by
 * `request.limits`) are waited out as the vendor asks, up to RATE_LIMIT_WAITS times; a spent quota
 * throws QuotaExhausted. Business answers (4xx) are returned as they are.
 */
export function createHttpClient(p: { permit?: () => Promise<void>; delaysMs: number[]; timeScale: number; outbound: OutboundPolicy }): HttpClient {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms * p.timeScale));
  return async (request) => {
    let last: HttpResponse | undefined;
    let problem = "";
    let failures = 0;
    let waits = 0;
    for (;;) {
      await p.permit?.();
      let waitMs: number | undefined;
      let limited = false;
      try {
        const response = await fetchGuarded(request, p.outbound);
        const text = response._data ?? "";
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        last = { status: response.status, headers: response.headers, text, json };
        const limit = request.limits?.(last);
        if (limit && "exhausted" in limit) throw new QuotaExhausted(limit.exhausted);
        if (limit && "pauseMs" in limit) await sleep(limit.pauseMs);
        limited = response.status === 429 || (limit !== undefined && "retryAfterMs" in limit);
        if (!limited && response.status < 500) return last;
        problem = `${request.method} ${new URL(request.url).pathname} answered ${response.status}${limited ? " (rate limited)" : ""}`;
        if (limited) waitMs = limit && "retryAfterMs" in limit ? limit.retryAfterMs : rateLimitWaitMs(response.headers);
      } catch (error) {
        if (error instanceof PublicError || error instanceof QuotaExhausted) throw error;
        last = undefined;
        problem = `${request.method} ${new URL(request.url).pathname} failed: ${(error as Error).message}`;
      }
      if (limited && waits < RATE_LIMIT_WAITS) {
        waits++;
        await sleep(waitMs ?? p.delaysMs[Math.min(waits - 1, p.delaysMs.length - 1)]!);
        continue;
      }
      if (failures >= p.delaysMs.length) throw new TechnicalFailure(`${problem} (after ${failures + waits + 1} attempts)`, last);
      await sleep(p.delaysMs[failures++]!);
    }
  };
}

/** The client for calls outside a run (test connection, field discovery): no rate budget, one quick retry. */
export const directHttpClient = (): HttpClient => createHttpClient({ delaysMs: [1_000], timeScale: env.SYNC_TIME_SCALE, outbound: { allowPrivate: env.ALLOW_PRIVATE_NETWORK } });
