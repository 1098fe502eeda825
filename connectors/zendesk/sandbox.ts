/**
 * A local Zendesk Support API built from ../shared/vendors/zendesk.md ("What a faithful sandbox must
 * imitate"): API-token basic and OAuth bearer auth, user and organization fields, users and organizations
 * listed with cursor or offset pagination (as the account answers), create_or_update, bulk jobs
 * (create_or_update_many, create_many, update_many, destroy_many) that go queued → working → completed and expire, 403 on bulk imports until they are enabled, 404 RecordNotFound,
 * 422 RecordInvalid, and the per-minute account limit with X-Rate-Limit / ratelimit-* headers, the
 * 5-per-minute single user / organization update limit and the 30 active jobs limit, all as 429 +
 * Retry-After. Its "minute" can be shortened for tests (`minuteMs`); Retry-After is in sandbox seconds. As a
 * fault, lost replies (a write applied, then the connection dropped before the answer).
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { faultDraw } from "../shared/sandbox-faults";
import { type CustomField, createStore, defaultOrganizationFields, defaultUserFields, type Organization, type User } from "./sandbox-records";
import { type Answer, describe, type Kit, notFound, organizationsRoute, pageOf, type Paging, softDelete, usersRoute } from "./sandbox-routes";

export type ZendeskSandboxOptions = {
  email?: string;
  token?: string;
  oauthToken?: string;
  /** Bulk user imports: off by default in Zendesk (create_or_update_many and create_many answer 403). */
  bulkImport?: boolean;
  /** The plan's requests per minute (Team 200, Professional 400, Enterprise 700, High Volume 2500). */
  requestsPerMinute?: number;
  /** Single user / organization updates a minute, per record. */
  perRecordPerMinute?: number;
  /** Real milliseconds in a sandbox minute. */
  minuteMs?: number;
  /** How long a job stays queued, then working, in real milliseconds (half each). */
  jobMs?: number;
  /** How long a finished job's status can still be read. */
  jobTtlMs?: number;
  maxActiveJobs?: number;
  /** How lists are paged (see Paging): cursor when asked by default. */
  paging?: Paging;
  /** The role of the token's user (GET /users/me). */
  role?: "admin" | "agent" | "end-user";
  userFields?: CustomField[];
  organizationFields?: CustomField[];
  /** A fault: this share of writes is applied, then the connection drops before the answer (a lost reply). */
  lostReplies?: { rate: number; seed?: number };
};

type Job = { id: string; url: string; job_type: string; status: "queued" | "working" | "completed" | "failed"; total: number; progress: number; message: string | null; results: Record<string, unknown>[] | null; at: number; endedAt?: number };
export type Logged = { at: number; method: string; path: string; query: string; status: number; items?: number; jobStatus?: string; lost?: true };

export async function startZendeskSandbox(options: ZendeskSandboxOptions = {}) {
  let settings = {
    email: "admin@example.com",
    token: "sandbox-token",
    bulkImport: false,
    requestsPerMinute: 700,
    perRecordPerMinute: 5,
    minuteMs: 60_000,
    jobMs: 60,
    jobTtlMs: 86_400_000,
    maxActiveJobs: 30,
    role: "admin" as const,
    paging: "cursor" as Paging,
    ...options,
  };
  const server = http.createServer();
  const lost = faultDraw(() => settings.lostReplies);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const userFields = options.userFields ?? defaultUserFields();
  const organizationFields = options.organizationFields ?? defaultOrganizationFields();
  const store = createStore({ userFields, organizationFields, base: url });
  const created = store.saveUser(undefined, { name: "Sandbox Admin", email: settings.email, role: settings.role, skip_verify_email: true });
  if (!created.ok) throw new Error("Sandbox admin user");
  const me = created.record;
  const jobs = new Map<string, Job>();
  const timers = new Set<NodeJS.Timeout>();
  const log: Logged[] = [];
  const used = new Map<number, number>();
  const perRecord = new Map<string, number[]>();

  const window = (at: number) => Math.floor(at / settings.minuteMs);
  const secondsLeft = (at: number) => Math.max(1, Math.ceil((((window(at) + 1) * settings.minuteMs - at) / settings.minuteMs) * 60));

  function later(ms: number, work: () => void) {
    const timer = setTimeout(() => (timers.delete(timer), work()), ms);
    timers.add(timer);
  }

  /** A job that runs `work` after jobMs (queued, then working) and keeps its results until it expires; Zendesk keeps the last 100. */
  function startJob(jobType: string, total: number, work: () => Record<string, unknown>[]): Answer {
    const id = crypto.randomBytes(16).toString("hex");
    const job: Job = { id, url: `${url}/api/v2/job_statuses/${id}.json`, job_type: jobType, status: "queued", total, progress: 0, message: null, results: null, at: Date.now() };
    jobs.set(id, job);
    while (jobs.size > 100) jobs.delete(jobs.keys().next().value!);
    later(settings.jobMs / 2, () => Object.assign(job, { status: "working", progress: Math.floor(total / 2) }));
    later(settings.jobMs, () => {
      const results = work();
      Object.assign(job, { status: "completed", progress: total, results, endedAt: Date.now(), message: `Completed at ${new Date().toISOString().replace("T", " ").slice(0, 19)} +0000` });
    });
    return { status: 200, body: { job_status: publicJob(job) } };
  }
  const publicJob = (job: Job) => ({ id: job.id, url: job.url, job_type: job.job_type, status: job.status, total: job.total, progress: job.progress, message: job.message, results: job.results });
  const liveJob = (id: string) => {
    const job = jobs.get(id);
    if (job?.endedAt && Date.now() - job.endedAt > settings.jobTtlMs) jobs.delete(id);
    return jobs.get(id);
  };
  const activeJobs = () => [...jobs.values()].filter((j) => j.status === "queued" || j.status === "working").length;

  /** The single-record update limit: at most perRecordPerMinute calls per record and sandbox minute. */
  function recordLimited(key: string, at: number, what: string): Answer | undefined {
    const recent = (perRecord.get(key) ?? []).filter((t) => window(t) === window(at));
    if (recent.length >= settings.perRecordPerMinute)
      return { status: 429, body: { error: "TooManyRequests", description: `You have exceeded the rate limit for updating a single unique ${what}. Please wait before trying again.` }, headers: { "retry-after": String(secondsLeft(at)) } };
    perRecord.set(key, [...recent, at]);
    return undefined;
  }

  const kit: Kit = { url, store, me, settings: () => settings, startJob, recordLimited };

  function route(method: string, path: string, query: URLSearchParams, body: Record<string, unknown>, at: number): Answer {
    if (method === "GET" && (path === "/user_fields" || path === "/organization_fields"))
      return pageOf(url, path === "/user_fields" ? userFields : organizationFields, query, path.slice(1), path, settings.paging);
    const jobId = path.match(/^\/job_statuses\/([0-9a-f]+)$/)?.[1];
    if (method === "GET" && jobId) {
      const job = liveJob(jobId);
      return job ? { status: 200, body: { job_status: publicJob(job) } } : notFound;
    }
    if (method === "GET" && path === "/job_statuses/show_many")
      return { status: 200, body: { job_statuses: (query.get("ids") ?? "").split(",").flatMap((i) => (liveJob(i) ? [publicJob(liveJob(i)!)] : [])) } };
    if (method !== "GET" && /_many$/.test(path) && activeJobs() >= settings.maxActiveJobs)
      return { status: 429, body: { error: "TooManyJobs", description: `Number of allowed active jobs (${settings.maxActiveJobs}) exceeded` }, headers: { "retry-after": "1" } };
    const request = { method, path, query, body, at };
    return usersRoute(kit, request) ?? organizationsRoute(kit, request) ?? { status: 404, body: { error: "InvalidEndpoint", description: "Not found" } };
  }

  function authorised(header: string | undefined): Answer | undefined {
    if (header === `Basic ${Buffer.from(`${settings.email}/token:${settings.token}`).toString("base64")}`) return undefined;
    if (settings.oauthToken && header === `Bearer ${settings.oauthToken}`) return undefined;
    if (header?.startsWith("Bearer "))
      return { status: 401, body: { error: "invalid_token", error_description: "The access token provided is expired, revoked, malformed or invalid for other reasons." } };
    return { status: 401, body: { error: "Couldn't authenticate you" } };
  }

  server.on("request", async (req, res) => {
    const at = Date.now();
    const target = new URL(req.url ?? "/", url);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
    } catch {
      body = {};
    }
    const method = req.method ?? "GET";
    const path = target.pathname.replace(/^\/api\/v2/, "").replace(/\.json$/, "");
    const entry: Logged = { at, method, path, query: target.search, status: 0 };
    log.push(entry);
    const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
    let answer = target.pathname.startsWith("/api/v2/") ? authorised(req.headers.authorization) : { status: 404, body: { error: "InvalidEndpoint", description: "Not found" } };
    if (!answer) {
      const count = used.get(window(at)) ?? 0;
      const limit = settings.requestsPerMinute;
      if (count >= limit) answer = { status: 429, body: { error: "APIRateLimitExceeded", description: "Number of allowed API requests per minute exceeded" }, headers: { "retry-after": String(secondsLeft(at)) } };
      else {
        used.set(window(at), count + 1);
        answer = route(method, path, target.searchParams, body, at);
        if (answer.status === 429) used.set(window(at), count);
      }
      const remaining = String(Math.max(0, limit - (used.get(window(at)) ?? 0)));
      Object.assign(headers, { "x-rate-limit": String(limit), "x-rate-limit-remaining": remaining });
      if (path.startsWith("/users")) Object.assign(headers, { "ratelimit-limit": String(limit), "ratelimit-remaining": remaining, "ratelimit-reset": String(secondsLeft(at)) });
    }
    entry.status = answer.status;
    if (answer.status < 300 && method !== "GET" && lost()) {
      entry.lost = true;
      return void req.socket.destroy();
    }
    const list = (body.users ?? body.organizations) as unknown[] | undefined;
    if (Array.isArray(list)) entry.items = list.length;
    const job = (answer.body as { job_status?: Job } | undefined)?.job_status;
    if (job && method === "GET") entry.jobStatus = job.status;
    res.writeHead(answer.status, { ...headers, ...answer.headers });
    res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
  });

  return {
    url,
    email: settings.email,
    token: settings.token,
    me,
    users: store.users,
    organizations: store.organizations,
    verificationEmails: store.verificationEmails,
    jobs,
    log,
    configure: (next: Partial<ZendeskSandboxOptions>) => (settings = { ...settings, ...next }),
    /** Active end users (what a sync writes), by external ID. */
    endUsers: () => store.active().filter((u) => u.role === "end-user"),
    /** As an agent would in Zendesk's UI: a user created outside the sync. */
    addUser: (input: Partial<User>) => {
      const outcome = store.saveUser(undefined, input);
      if (!outcome.ok) throw new Error(describe(outcome.details));
      return outcome.record;
    },
    addOrganization: (input: Partial<Organization>) => {
      const outcome = store.saveOrganization(undefined, input);
      if (!outcome.ok) throw new Error(describe(outcome.details));
      return outcome.record;
    },
    /** As an admin would in Zendesk's UI: a soft delete (the user stays readable by id, inactive). */
    deleteUser: (id: number) => softDelete(store.users.get(id)),
    close: () =>
      new Promise<void>((resolve) => {
        timers.forEach(clearTimeout);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type ZendeskSandbox = Awaited<ReturnType<typeof startZendeskSandbox>>;
