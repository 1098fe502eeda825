import "server-only";
import { ofetch } from "ofetch";
import { type HttpClient, type HttpRequest, type HttpResponse, QuotaExhausted } from "@/connectors/types";
import { PublicError } from "@/lib/errors";
import { type OutboundPolicy, outboundDispatcher } from "@/lib/security/outbound";
import { rateLimitWaitMs } from "./rate-limit";

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

const MAX_REDIRECTS = 5;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Headers that may follow a redirect to another origin: the CORS-safelisted ones (what a browser sends across
 * origins without asking) and the user agent. Every other header a connector sets may carry a credential —
 * `Authorization`, Brevo's `api-key`, a header name the user chose for the HTTP API, a webhook's signature —
 * so on a cross-origin hop it is dropped, as browsers drop Authorization.
 */
const CROSS_ORIGIN_HEADERS = new Set(["accept", "accept-language", "content-language", "content-type", "user-agent"]);

type Answer = { status: number; headers: Headers; text: string };

/**
 * One request to a user-chosen URL. Each hop connects only to an address the outbound policy allows (checked
 * and pinned for the connection); redirects are followed by hand: never from https down to http, and to
 * another origin without the request's credentials.
 */
export async function fetchGuarded(request: HttpRequest, outbound: OutboundPolicy): Promise<Answer> {
  let url = new URL(request.url);
  let method = request.method;
  let body = request.body === undefined || typeof request.body === "string" ? request.body : JSON.stringify(request.body);
  let headers: Record<string, string> = { accept: "application/json", ...(body === undefined || typeof request.body === "string" ? {} : { "content-type": "application/json" }), ...lowerCased(request.headers) };
  const signal = AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  for (let hop = 0; ; hop++) {
    const response = await ofetch
      .raw<string, "text">(url.toString(), { method, headers, body, signal, redirect: "manual", dispatcher: outboundDispatcher(url, outbound), retry: 0, ignoreResponseError: true, responseType: "text" })
      .catch(unwrapRefusal);
    const text = response._data ?? "";
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || !location || hop === MAX_REDIRECTS) return { status: response.status, headers: response.headers, text };
    const next = new URL(location, url);
    if (url.protocol === "https:" && next.protocol === "http:") throw new PublicError(`${url.host} redirected from https to http (${next.host}): refused, the request would travel unencrypted`);
    if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([name]) => CROSS_ORIGIN_HEADERS.has(name)));
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
      [method, body] = ["GET", undefined];
      delete headers["content-type"];
    }
    url = next;
  }
}

const lowerCased = (headers: Record<string, string> = {}) => Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

/**
 * ofetch wraps fetch's "fetch failed", whose cause is what happened (a refused address, a reset, a timeout):
 * the innermost cause is what users must read.
 */
function unwrapRefusal(error: unknown): never {
  let inner = error;
  while ((inner as { cause?: unknown }).cause instanceof Error) inner = (inner as { cause: Error }).cause;
  if (inner instanceof PublicError) throw inner;
  if (inner !== error && inner instanceof Error) throw new Error(inner.message, { cause: error });
  throw error;
}

/** Waits a rate-limited request may take before it counts as a technical failure (each wait is the vendor's own). */
const RATE_LIMIT_WAITS = 20;

/** Takes a permit of the connection's rate budget for a request that may take up to `holdMs`; see acquirePermit. */
export type Permit = (holdMs: number) => Promise<() => Promise<void>>;

/**
 * Waits for an attempt's answer (or its failure), then gives its permit back: the window counts from then. A
 * permit that cannot be given back (the database unreachable) expires with its lease: the answer stands.
 */
async function heldUntilAnswered<T>(attempt: Promise<T>, release?: () => Promise<void>): Promise<T> {
  try {
    return await attempt;
  } finally {
    await release?.().catch(() => undefined);
  }
}

/**
 * The HTTP client a connector writes through: each attempt holds a permit (from the connection's rate
 * budget, during a run) until its answer is in, is refused if it (or a redirect) points at a private address, then is retried on technical
 * failures after each of `delaysMs`. Rate limits (429, or the vendor's own signal read by
 * `request.limits`) are waited out as the vendor asks, up to RATE_LIMIT_WAITS times; a spent quota
 * throws QuotaExhausted. Business answers (4xx) are returned as they are.
 */
export function createHttpClient(p: { permit?: Permit; delaysMs: number[]; timeScale: number; outbound: OutboundPolicy }): HttpClient {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms * p.timeScale));
  return async (request) => {
    let last: HttpResponse | undefined;
    let problem = "";
    let failures = 0;
    let waits = 0;
    for (;;) {
      const release = await p.permit?.(request.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      let waitMs: number | undefined;
      let limited = false;
      try {
        const response = await heldUntilAnswered(fetchGuarded(request, p.outbound), release);
        const text = response.text;
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
