import "server-only";
import { joinUrl } from "../shared/api";
import { type ConnectionConfig, type ConnectorContext, DestinationConfigError, type HttpResponse, type VendorLimit } from "../types";
import { baseUrlOf, type ZendeskSecrets, type ZendeskSettings } from "./config";

export type ZendeskConnection = ConnectionConfig<ZendeskSettings, ZendeskSecrets>;
export type Api = ConnectorContext<ZendeskSettings, ZendeskSecrets>;

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

/** Waits between polls of a job (vendor seconds, on the connector's clock). */
const POLL_SECONDS = [0.5, 1, 2, 3, 5];
/** A 100-record job normally takes seconds; past this it is reported and its records go again next run. */
const JOB_DEADLINE_SECONDS = 600;

/** A background job that did not complete: its records failed for technical reasons (the next run sends them again). */
export class JobProblem extends Error {}

/** Polls GET /job_statuses/{id} until the job completes; failed, killed, lost (expired) or stuck jobs throw JobProblem. */
export async function awaitJob(api: Api, id: string): Promise<JobStatus> {
  const deadline = api.clock.now() + JOB_DEADLINE_SECONDS * 1000;
  for (let poll = 0; ; poll++) {
    const a = await call(api, "GET", `/job_statuses/${encodeURIComponent(id)}`);
    assertAuthorised(a);
    if (a.status === 404) throw new JobProblem(`Zendesk no longer knows job ${id} (it keeps job statuses for a limited time): its records go again next run`);
    if (!ok(a)) throw new JobProblem(`Polling Zendesk job ${id} failed: ${describe(a)}`);
    const job = (a.json as { job_status?: JobStatus }).job_status;
    if (!job) throw new JobProblem(`Zendesk answered the poll of job ${id} without a job_status`);
    if (job.status === "completed") return job;
    if (job.status === "failed" || job.status === "killed") throw new JobProblem(`Zendesk job ${id} ${job.status}${job.message ? `: ${job.message}` : ""}`);
    if (api.clock.now() > deadline) throw new JobProblem(`Zendesk job ${id} was still ${job.status} after ${JOB_DEADLINE_SECONDS} s: its records go again next run`);
    await api.clock.sleep(POLL_SECONDS[Math.min(poll, POLL_SECONDS.length - 1)]! * 1000);
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

type ListPage = { meta?: { has_more?: boolean; after_cursor?: string | null }; links?: { next?: string | null }; next_page?: string | null; count?: number };

/** The request for the page after `page`, by whichever paging its answer carries (cursor or offset), or undefined at the end. */
function nextPage(path: string, page: ListPage): string | undefined {
  if (page.meta?.has_more && page.meta.after_cursor) return `${path}${path.includes("?") ? "&" : "?"}${new URLSearchParams({ "page[size]": "100", "page[after]": page.meta.after_cursor })}`;
  const link = page.meta?.has_more ? page.links?.next : page.next_page;
  // Only the path and query of Zendesk's link are followed: the credentials go to the configured account alone.
  if (link && URL.canParse(link)) {
    const url = new URL(link);
    return `${url.pathname.replace(/^.*?\/api\/v2(?=\/)/, "").replace(/\.json$/, "")}${url.search}`;
  }
  return undefined;
}

/**
 * Every item of a list, a page at a time: cursor paging is asked for (`page[size]=100`), and whichever paging
 * the answer carries is followed — cursor (`meta.after_cursor`) or offset (`next_page`, as some accounts and
 * endpoints answer). A list that stops while its count or `has_more` says more exist throws: a replace never
 * acts on part of what Zendesk holds.
 */
export async function* pages<T>(api: Api, path: string, itemsKey: string): AsyncIterable<T[]> {
  let request: string | undefined = `${path}${path.includes("?") ? "&" : "?"}${new URLSearchParams({ "page[size]": "100" })}`;
  for (let seen = 0; request; ) {
    const a = await call(api, "GET", request);
    assertAuthorised(a);
    if (!ok(a)) throw new Error(`Listing ${path.split("?")[0]} failed: ${describe(a)}`);
    const body = a.json as Record<string, unknown> & ListPage;
    const items = (body[itemsKey] as T[] | undefined) ?? [];
    yield items;
    seen += items.length;
    request = nextPage(path, body);
    const more = body.meta?.has_more === true || (typeof body.count === "number" && seen < body.count);
    if (!request && more)
      throw new DestinationConfigError(
        `Zendesk listed ${seen}${typeof body.count === "number" ? ` of ${body.count}` : ""} ${path.split("?")[0]!.slice(1)} and gave no link to the next page: stopped rather than act on part of the list`,
      );
  }
}
