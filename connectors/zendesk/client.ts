import "server-only";
import { env } from "@/lib/env";
import { joinUrl } from "../shared/api";
import { type ConnectionConfig, DestinationConfigError, type HttpClient, type HttpResponse, type VendorLimit } from "../types";
import { baseUrlOf, type ZendeskSecrets, type ZendeskSettings } from "./config";

export type ZendeskConnection = ConnectionConfig<ZendeskSettings, ZendeskSecrets>;
export type Api = { http: HttpClient; connection: ZendeskConnection };

/** Zendesk's API-token basic auth: base64("{email}/token:{api_token}"). */
const authorizationOf = (c: ZendeskConnection) => `Basic ${Buffer.from(`${c.settings.email}/token:${c.secrets.apiToken}`).toString("base64")}`;

/**
 * Zendesk's own limit signals besides 429 + Retry-After (which the client waits out): when the minute's
 * budget is spent (`X-Rate-Limit-Remaining: 0`), pause until `ratelimit-reset` instead of earning a 429.
 */
export function zendeskLimits(a: HttpResponse): VendorLimit | undefined {
  if (a.status === 429) return undefined;
  const remaining = a.headers.get("x-rate-limit-remaining") ?? a.headers.get("ratelimit-remaining");
  const reset = Number(a.headers.get("ratelimit-reset"));
  if (remaining === "0" && Number.isFinite(reset) && reset > 0) return { pauseMs: reset * 1000 };
  return undefined;
}

/** One call to the Zendesk API (`path` from /api/v2 on). */
export const call = (api: Api, method: string, path: string, body?: unknown) =>
  api.http({
    method,
    url: joinUrl(baseUrlOf(api.connection.settings), `/api/v2${path}`),
    body,
    headers: { authorization: authorizationOf(api.connection) },
    timeoutMs: 30_000,
    limits: zendeskLimits,
  });

export const ok = (a: HttpResponse) => a.status >= 200 && a.status < 300;

type ErrorBody = { error?: unknown; description?: unknown; message?: unknown; error_description?: unknown; details?: Record<string, { description?: string; error?: string }[]> | string };

/** Zendesk's explanation of an answer: the validation details, else its description, message or error. */
export function describe(a: HttpResponse): string {
  const body = (a.json ?? {}) as ErrorBody;
  const details =
    body.details && typeof body.details === "object"
      ? Object.values(body.details)
          .flat()
          .map((d) => d.description)
          .filter(Boolean)
          .join("; ")
      : typeof body.details === "string"
        ? body.details
        : "";
  const text = [body.description, body.message, body.error_description].find((t) => typeof t === "string" && t) as string | undefined;
  const error = typeof body.error === "string" ? body.error : undefined;
  return `${a.status} ${[error, details || text].filter(Boolean).join(": ") || a.text.slice(0, 200) || "no explanation"}`;
}

/** A 422 RecordInvalid whose details name a DuplicateValue (an email or name another record holds). */
export const isDuplicate = (a: HttpResponse) =>
  a.status === 422 && typeof (a.json as ErrorBody)?.details === "object" && Object.values((a.json as { details: Record<string, { error?: string }[]> }).details).flat().some((d) => d.error === "DuplicateValue");

/** Bad credentials end the run: no record can be written with them. */
export function assertAuthorised(a: HttpResponse) {
  if (a.status === 401) throw new DestinationConfigError(`Zendesk refused the email and API token (${describe(a)}): check both, and that token access is on in Admin Center`);
}

export type JobStatus = { id: string; status: string; total?: number; progress?: number; message?: string | null; results?: Record<string, unknown>[] | null };

/** Waits between polls of a job (vendor seconds, scaled in tests like the client's own waits). */
const POLL_SECONDS = [0.5, 1, 2, 3, 5];
/** A 100-record job normally takes seconds; past this it is reported and its records go again next run. */
const JOB_DEADLINE_SECONDS = 600;
const pause = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000 * env.SYNC_TIME_SCALE));

/** A background job that did not complete: its records failed for technical reasons (the next run sends them again). */
export class JobProblem extends Error {}

/** Polls GET /job_statuses/{id} until the job completes; failed, killed, lost (expired) or stuck jobs throw JobProblem. */
export async function awaitJob(api: Api, id: string): Promise<JobStatus> {
  const deadline = Date.now() + JOB_DEADLINE_SECONDS * 1000 * env.SYNC_TIME_SCALE;
  for (let poll = 0; ; poll++) {
    const a = await call(api, "GET", `/job_statuses/${encodeURIComponent(id)}`);
    assertAuthorised(a);
    if (a.status === 404) throw new JobProblem(`Zendesk no longer knows job ${id} (it keeps job statuses for a limited time): its records go again next run`);
    if (!ok(a)) throw new JobProblem(`Polling Zendesk job ${id} failed: ${describe(a)}`);
    const job = (a.json as { job_status?: JobStatus }).job_status;
    if (!job) throw new JobProblem(`Zendesk answered the poll of job ${id} without a job_status`);
    if (job.status === "completed") return job;
    if (job.status === "failed" || job.status === "killed") throw new JobProblem(`Zendesk job ${id} ${job.status}${job.message ? `: ${job.message}` : ""}`);
    if (Date.now() > deadline) throw new JobProblem(`Zendesk job ${id} was still ${job.status} after ${JOB_DEADLINE_SECONDS} s: its records go again next run`);
    await pause(POLL_SECONDS[Math.min(poll, POLL_SECONDS.length - 1)]!);
  }
}

/** Starts a bulk job; Zendesk's refusals are returned: 403 (bulk imports off for the account) apart from the others. */
export async function startJob(api: Api, method: string, path: string, body?: unknown): Promise<{ job: JobStatus } | { forbidden: HttpResponse } | { refused: HttpResponse }> {
  const a = await call(api, method, path, body);
  assertAuthorised(a);
  if (a.status === 403) return { forbidden: a };
  const job = (a.json as { job_status?: JobStatus } | undefined)?.job_status;
  if (!ok(a) || !job?.id) return { refused: a };
  return { job };
}

/** Every item of a cursor-paginated list (`page[size]=100`, then `page[after]`), a page at a time. */
export async function* pages<T>(api: Api, path: string, itemsKey: string): AsyncIterable<T[]> {
  let after: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ "page[size]": "100", ...(after ? { "page[after]": after } : {}) });
    const a = await call(api, "GET", `${path}${path.includes("?") ? "&" : "?"}${query}`);
    assertAuthorised(a);
    if (!ok(a)) throw new Error(`Listing ${path.split("?")[0]} failed: ${describe(a)}`);
    const body = a.json as Record<string, unknown> & { meta?: { has_more?: boolean; after_cursor?: string | null } };
    yield (body[itemsKey] as T[] | undefined) ?? [];
    if (!body.meta?.has_more || !body.meta.after_cursor) return;
    after = body.meta.after_cursor;
  }
}
