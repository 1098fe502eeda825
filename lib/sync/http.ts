import "server-only";
import { ofetch } from "ofetch";
import type { Db } from "@/lib/db/client";
import { PublicError } from "@/lib/errors";
import { assertPublicUrl, type OutboundPolicy } from "@/lib/security/outbound";
import { acquirePermit, type RateBudget } from "./rate-budget";

export type HttpRequest = { method: string; url: string; headers?: Record<string, string>; body?: unknown; timeoutMs?: number };
export type HttpResponse = { status: number; headers: Headers; text: string; json: unknown };
export type HttpClient = (request: HttpRequest) => Promise<HttpResponse>;

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
      headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }), ...request.headers },
      body: body === undefined ? undefined : JSON.stringify(body),
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

/**
 * The HTTP client a connector writes through: each request takes a permit from the connection's rate
 * budget, is refused if it (or a redirect) points at a private address, then is retried on technical
 * failures after each of `delaysMs` (429 honours the destination's own wait). Business answers (4xx) are
 * returned as they are.
 */
export function createHttpClient(p: { db: Db; connectionId: string; budget: RateBudget | null; delaysMs: number[]; timeScale: number; outbound: OutboundPolicy }): HttpClient {
  return async (request) => {
    let last: HttpResponse | undefined;
    let problem = "";
    for (let attempt = 0; ; attempt++) {
      if (p.budget) await acquirePermit(p.db, p.connectionId, p.budget);
      let waitMs: number | undefined;
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
        if (response.status < 500 && response.status !== 429) return last;
        problem = `${request.method} ${new URL(request.url).pathname} answered ${response.status}`;
        if (response.status === 429) waitMs = rateLimitWaitMs(response.headers);
      } catch (error) {
        if (error instanceof PublicError) throw error;
        last = undefined;
        problem = `${request.method} ${new URL(request.url).pathname} failed: ${(error as Error).message}`;
      }
      if (attempt >= p.delaysMs.length) throw new TechnicalFailure(`${problem} (after ${attempt + 1} attempts)`, last);
      await new Promise((r) => setTimeout(r, (waitMs ?? p.delaysMs[attempt]!) * p.timeScale));
    }
  };
}
