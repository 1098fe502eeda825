/**
 * The HubSpot sandbox's rate limits (../shared/vendors/hubspot.md, "Limits"): per app a rolling window
 * (100 requests per 10 s on Free/Starter) and a daily counter, reported in `X-HubSpot-RateLimit-*` headers
 * on every answer and refused with 429 bodies naming their policy; search has its own 5-per-second limit
 * and no headers. Windows last `timeScale` times HubSpot's, while the headers keep HubSpot's figures.
 */
import crypto from "node:crypto";

export type LimitSettings = { rateLimit: { max: number; intervalMs: number }; dailyLimit: number; timeScale: number };
type Refusal = { status: 429; body: Record<string, unknown>; headers?: Record<string, string> };

const SEARCH_PER_SECOND = 5;
const rateLimited = (policyName: string, message: string, extra: Record<string, unknown> = {}) => ({ status: "error", message, errorType: "RATE_LIMIT", correlationId: crypto.randomUUID(), policyName, ...extra });

export function createLimits(settings: () => LimitSettings) {
  const window: number[] = [];
  const searches: number[] = [];
  let dailyUsed = 0;
  let spendAtNext = 0;
  const spend = (n: number) => {
    for (let i = 0; i < n; i++) window.push(Date.now());
    dailyUsed += n;
  };

  return {
    /** Counts a request against the window and the day: a refusal, or the headers the answer carries. */
    take(now: number): { refused?: Refusal; headers: Record<string, string> } {
      const { rateLimit, dailyLimit, timeScale } = settings();
      if (spendAtNext) {
        spend(spendAtNext);
        spendAtNext = 0;
      }
      while (window.length && window[0]! <= now - rateLimit.intervalMs * timeScale) window.shift();
      const headers = () => ({
        "x-hubspot-ratelimit-max": String(rateLimit.max),
        "x-hubspot-ratelimit-remaining": String(Math.max(0, rateLimit.max - window.length)),
        "x-hubspot-ratelimit-interval-milliseconds": String(rateLimit.intervalMs),
        "x-hubspot-ratelimit-daily": String(dailyLimit),
        "x-hubspot-ratelimit-daily-remaining": String(Math.max(0, dailyLimit - dailyUsed)),
      });
      if (dailyUsed >= dailyLimit) return { refused: { status: 429, body: rateLimited("DAILY", "You have reached your daily limit.", { requestId: crypto.randomUUID() }), headers: headers() }, headers: headers() };
      if (window.length >= rateLimit.max) return { refused: { status: 429, body: rateLimited("TEN_SECONDLY_ROLLING", "You have reached your ten_secondly_rolling limit."), headers: headers() }, headers: headers() };
      window.push(now);
      dailyUsed++;
      return { headers: headers() };
    },
    /** The search API's own limit; its answers carry no rate-limit headers (the 429 body's policy name is assumed). */
    takeSearch(now: number): Refusal | undefined {
      while (searches.length && searches[0]! <= now - 1_000 * settings().timeScale) searches.shift();
      if (searches.length >= SEARCH_PER_SECOND) return { status: 429, body: rateLimited("SECONDLY", "You have reached your secondly limit.") };
      searches.push(now);
      return undefined;
    },
    /** Another app of the same account spends `n` requests of the window (and of the day), now or just before the next request. */
    useBudget: (n: number, when: "now" | "next request" = "now") => (when === "now" ? spend(n) : void (spendAtNext = n)),
    resetDaily: () => void (dailyUsed = 0),
  };
}
