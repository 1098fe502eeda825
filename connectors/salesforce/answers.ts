/** What Salesforce's answers mean: per-record results of sObject Collections, top-level errors, API usage. */
import type { ErrorKind, HttpResponse, VendorLimit } from "../types";
import { toId18 } from "./ids";

/** One record's outcome in a collection answer (per-record errors carry `statusCode`). */
export type CollectionResult = { id?: string | null; success: boolean; created?: boolean; errors?: { statusCode: string; message: string; fields?: string[] }[] };
/** A request-level error (these carry `errorCode`). */
type TopError = { errorCode?: string; message?: string };

export const firstError = (a: HttpResponse): TopError | undefined => (Array.isArray(a.json) ? (a.json[0] as TopError | undefined) : undefined);

/** "REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded." or the status when the body says nothing. */
export function errorText(a: HttpResponse): string {
  const e = firstError(a);
  if (e?.errorCode || e?.message) return [e.errorCode, e.message].filter(Boolean).join(": ");
  const oauth = a.json as { error?: string; error_description?: string } | undefined;
  if (oauth?.error) return `${oauth.error}: ${oauth.error_description ?? ""}`.trim();
  return `HTTP ${a.status}`;
}

// "duplicate value found: <field> duplicates value on record with id: <id>" (both can read <unknown>).
const DUPLICATE_VALUE = /duplicate value found: (\S+) duplicates value on record with id: (?:([a-zA-Z0-9]{15,18})\b)?/;
// Missing records: in the Recycle Bin, never there (or not visible), or gone (single-record form).
const GONE = new Set(["ENTITY_IS_DELETED", "INVALID_CROSS_REFERENCE_KEY", "NOT_FOUND"]);
const DUPLICATE = new Set(["DUPLICATE_VALUE", "DUPLICATES_DETECTED", "DUPLICATE_EXTERNAL_ID"]);
// Worth sending again later: a lock, a rollback caused by another record, a busy server.
const TRANSIENT = new Set(["UNABLE_TO_LOCK_ROW", "ALL_OR_NONE_OPERATION_ROLLED_BACK", "SERVER_UNAVAILABLE", "REQUEST_RUNNING_TOO_LONG"]);

/** A failed record: our kind, Salesforce's message; for DUPLICATE_VALUE, the record holding the value and the field. */
export type Failure = { kind: ErrorKind; message: string; existingId?: string; field?: string };

/** Our kind for a failed record; DUPLICATE_VALUE names the field and the record holding the value (15 characters, made 18). */
export function classify(result: CollectionResult): Failure {
  const errors = result.errors ?? [];
  const message = errors.map((e) => `${e.statusCode}: ${e.message}${e.fields?.length ? ` (${e.fields.join(", ")})` : ""}`).join("; ") || "Salesforce refused the record without saying why";
  const first = errors[0];
  if (!first) return { kind: "rejected", message };
  if (DUPLICATE.has(first.statusCode)) {
    const [, field, id] = (first.statusCode === "DUPLICATE_VALUE" && first.message.match(DUPLICATE_VALUE)) || [];
    return {
      kind: "duplicate",
      message,
      existingId: id ? toId18(id) : undefined,
      ...(field && field !== "<unknown>" ? { field } : {}),
    };
  }
  // A reference field naming a missing record is the data's fault; the record's own id missing means it is gone.
  if (GONE.has(first.statusCode) && (first.fields ?? []).every((f) => f.toLowerCase() === "id")) return { kind: "not_found", message };
  if (TRANSIENT.has(first.statusCode)) return { kind: "technical", message };
  return { kind: "rejected", message };
}

/** `Sforce-Limit-Info: api-usage=10018/100000` — calls counted over the last 24 hours, and the org's quota. */
export function apiUsage(headers: Headers): { used: number; max: number } | undefined {
  const m = headers.get("sforce-limit-info")?.match(/api-usage=(\d+)\/(\d+)/);
  return m ? { used: Number(m[1]), max: Number(m[2]) } : undefined;
}

const SLOW_FROM = 0.9;
const LONGEST_PAUSE_MS = 30_000;

/**
 * Past 90% of the org's quota each call waits 1 s, rising to 30 s at the quota: the rolling 24-hour count
 * falls as the run goes on, and the org's other integrations keep some of what is left.
 */
export function usagePauseMs(usage: { used: number; max: number }): number {
  const share = usage.max > 0 ? usage.used / usage.max : 1;
  if (share < SLOW_FROM) return 0;
  return Math.round(1_000 + (LONGEST_PAUSE_MS - 1_000) * Math.min(1, (share - SLOW_FROM) / (1 - SLOW_FROM)));
}

/** Salesforce's limit signals (no 429): 403 REQUEST_LIMIT_EXCEEDED for the daily quota or the concurrency cap, and the usage header. */
export function salesforceLimits(a: HttpResponse): VendorLimit | undefined {
  const e = a.status === 403 ? firstError(a) : undefined;
  if (e?.errorCode === "REQUEST_LIMIT_EXCEEDED") {
    // The same code for long-running requests over the org's concurrency cap: those finish within minutes.
    if (/concurrent/i.test(e.message ?? "")) return { retryAfterMs: 10_000 };
    return {
      exhausted:
        `Salesforce's daily API request limit for this org is used up (${e.message ?? "REQUEST_LIMIT_EXCEEDED"}): the run stopped. ` +
        "Records not yet sent go with the next run, once the org's calls over the last 24 hours fall below its limit.",
    };
  }
  const usage = apiUsage(a.headers);
  const pauseMs = usage ? usagePauseMs(usage) : 0;
  return pauseMs ? { pauseMs } : undefined;
}
