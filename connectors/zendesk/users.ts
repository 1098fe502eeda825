import "server-only";
import { excerpt, isRunFatal, pool, technicalFailure } from "../shared/api";
import { DestinationConfigError, type HttpResponse, type RecordResult, type WriteRecord } from "../types";
import { type Api, assertAuthorised, awaitJob, call, describe, isDuplicate, ok, startJob } from "./client";
import { toZendesk } from "./fields";
import { fromJobItem, pairResults, refuseBulk, settled, type ZendeskState } from "./results";

const CONCURRENCY = 4;
const UPSERT_MANY = "users/create_or_update_many";
const DESTROY_MANY = "users/destroy_many";

type Written = { results: RecordResult[]; state: ZendeskState };

/** Every record of a bulk request Zendesk refused as a whole (a 4xx other than 401 / 403). */
const refusedBy = (record: WriteRecord, a: HttpResponse): RecordResult => ({ key: record.key, status: "failed", kind: a.status >= 500 ? "technical" : "rejected", message: describe(a), response: excerpt(a) });

function toUser(api: Api, record: WriteRecord) {
  const user = toZendesk("users", record.payload ?? {});
  return api.connection.settings.sendVerifyEmail ? user : { ...user, skip_verify_email: true };
}

/** The id of the user holding an email, for a duplicate's message (Zendesk's duplicate answers carry no id). */
async function holderOf(api: Api, email: unknown): Promise<string | undefined> {
  if (typeof email !== "string" || !email) return undefined;
  const a = await call(api, "GET", `/users/search?${new URLSearchParams({ query: `email:${email}` })}`);
  const id = ok(a) ? (a.json as { users?: { id?: unknown }[] }).users?.[0]?.id : undefined;
  return id === undefined || id === null ? undefined : String(id);
}

/** A duplicate names the user that holds the email: that user is not this record's (it has another external ID). */
async function withHolder(api: Api, result: RecordResult, user: Record<string, unknown>): Promise<RecordResult> {
  if (result.status !== "failed" || result.kind !== "duplicate") return result;
  const existingId = await holderOf(api, user.email).catch(() => undefined);
  return existingId ? { ...result, existingId, message: `${result.message} (Zendesk user ${existingId})` } : result;
}

/** One user through POST /users/create_or_update (201 created, 200 updated; matched on email or external_id). */
async function upsertOne(api: Api, record: WriteRecord): Promise<RecordResult> {
  const user = toUser(api, record);
  try {
    const a = await call(api, "POST", "/users/create_or_update", { user });
    assertAuthorised(a);
    if (a.status === 403) throw new DestinationConfigError(`Zendesk refused to create or update users (${describe(a)}): the token's user must be an admin or an agent allowed to manage users`);
    const id = (a.json as { user?: { id?: unknown } } | undefined)?.user?.id;
    if ((a.status === 200 || a.status === 201) && id !== undefined && id !== null) return settled(record, { created: a.status === 201, id: String(id) });
    const result: RecordResult = { key: record.key, status: "failed", kind: isDuplicate(a) ? "duplicate" : a.status === 404 ? "not_found" : "rejected", message: describe(a), response: excerpt(a) };
    return await withHolder(api, result, user);
  } catch (error) {
    return technicalFailure(record.key, error);
  }
}

/** Up to 100 users in one create_or_update_many job, polled until done; `forbidden` when Zendesk refuses the endpoint with 403. */
async function upsertMany(api: Api, records: WriteRecord[]): Promise<{ results: RecordResult[] } | { forbidden: string }> {
  const users = records.map((r) => toUser(api, r));
  try {
    const started = await startJob(api, "POST", "/users/create_or_update_many", { users });
    if ("forbidden" in started) return { forbidden: describe(started.forbidden) };
    if ("refused" in started) return { results: records.map((r) => refusedBy(r, started.refused)) };
    const job = await awaitJob(api, started.job.id);
    const items = pairResults(users, job.results ?? []);
    return { results: await Promise.all(records.map((r, i) => withHolder(api, fromJobItem(r, items[i]), users[i]!))) };
  } catch (error) {
    if (isRunFatal(error)) throw error;
    return { results: records.map((r) => technicalFailure(r.key, error)) };
  }
}

async function upsertUsers(api: Api, state: ZendeskState, records: WriteRecord[]): Promise<Written> {
  if (!records.length) return { results: [], state };
  if (!state.bulkOff?.includes(UPSERT_MANY)) {
    const many = await upsertMany(api, records);
    if ("results" in many) return { results: many.results, state };
    state = refuseBulk(state, UPSERT_MANY, many.forbidden, "users/create_or_update");
  }
  return { results: await pool(records, CONCURRENCY, (r) => upsertOne(api, r)), state };
}

/** DELETE /users/{id} (a soft delete); a user already gone counts as deleted. */
async function deleteOne(api: Api, record: WriteRecord): Promise<RecordResult> {
  try {
    const a = await call(api, "DELETE", `/users/${encodeURIComponent(record.destinationId!)}`);
    assertAuthorised(a);
    if (a.status === 403) throw new DestinationConfigError(`Zendesk refused to delete user ${record.destinationId} (${describe(a)}): only admins can delete users`);
    if (ok(a) || a.status === 404) return { key: record.key, status: "ok", op: "delete" };
    return { key: record.key, status: "failed", kind: "rejected", message: describe(a), response: excerpt(a) };
  } catch (error) {
    return technicalFailure(record.key, error);
  }
}

/** Deletes through destroy_many (a job) when there are several; what it did not delete goes one by one. */
async function deleteUsers(api: Api, state: ZendeskState, records: WriteRecord[]): Promise<Written> {
  const results: RecordResult[] = records.filter((r) => !r.destinationId).map((r) => ({ key: r.key, status: "ok", op: "delete" }));
  let rest = records.filter((r) => r.destinationId);
  if (rest.length > 1 && !state.bulkOff?.includes(DESTROY_MANY)) {
    try {
      const started = await startJob(api, "DELETE", `/users/destroy_many?ids=${rest.map((r) => encodeURIComponent(r.destinationId!)).join(",")}`);
      if ("forbidden" in started) state = refuseBulk(state, DESTROY_MANY, describe(started.forbidden), "DELETE users/{id}");
      else if ("refused" in started) return { results: [...results, ...rest.map((r) => refusedBy(r, started.refused))], state };
      else {
        const job = await awaitJob(api, started.job.id);
        const deleted = new Set((job.results ?? []).filter((i) => i.success === true || i.status === "Deleted").map((i) => String(i.id)));
        results.push(...rest.filter((r) => deleted.has(r.destinationId!)).map((r): RecordResult => ({ key: r.key, status: "ok", op: "delete" })));
        rest = rest.filter((r) => !deleted.has(r.destinationId!));
      }
    } catch (error) {
      if (isRunFatal(error)) throw error;
      return { results: [...results, ...rest.map((r) => technicalFailure(r.key, error))], state };
    }
  }
  results.push(...(await pool(rest, CONCURRENCY, (r) => deleteOne(api, r))));
  return { results, state };
}

/** Writes a batch of users: upserts in one bulk job (or one by one when bulk is off), then deletes. */
export async function writeUsers(api: Api, state: ZendeskState, records: WriteRecord[]): Promise<Written> {
  const upserted = await upsertUsers(api, state, records.filter((r) => r.op !== "delete"));
  const deleted = await deleteUsers(api, upserted.state, records.filter((r) => r.op === "delete"));
  return { results: [...upserted.results, ...deleted.results], state: deleted.state };
}
