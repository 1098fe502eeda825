import "server-only";
import { excerpt, pool, technicalFailure } from "../shared/api";
import { DestinationConfigError, type EarlierAttempt, type HttpResponse, type RecordResult, type WriteRecord } from "../types";
import { type Api, assertAuthorised, call, describe, isDuplicate, ok } from "./client";
import { toZendesk } from "./fields";
import { settled } from "./results";

const CONCURRENCY = 4;

type Organization = { id?: unknown; name?: unknown; external_id?: unknown };

function assertAllowed(a: HttpResponse, what: string) {
  assertAuthorised(a);
  if (a.status === 403) throw new DestinationConfigError(`Zendesk refused to ${what} (${describe(a)}): the token's user must be an admin or an agent allowed to manage organizations`);
}

const failed = (record: WriteRecord, a: HttpResponse, earlier: EarlierAttempt[], existingId?: string): RecordResult => ({
  key: record.key,
  status: "failed",
  kind: isDuplicate(a) ? "duplicate" : a.status === 404 ? "not_found" : "rejected",
  message: describe(a),
  response: excerpt(a),
  ...(existingId ? { existingId } : {}),
  ...(earlier.length ? { earlier } : {}),
});

const idOf = (o: Organization | undefined) => (o?.id === undefined || o.id === null ? undefined : String(o.id));

/** The organization with this exact name (names are unique in Zendesk), via GET /organizations/search?name=. */
async function namedOrganization(api: Api, name: unknown): Promise<Organization | undefined> {
  if (typeof name !== "string" || !name) return undefined;
  const a = await call(api, "GET", `/organizations/search?${new URLSearchParams({ name })}`);
  assertAuthorised(a);
  const found = ok(a) ? (a.json as { organizations?: Organization[] }).organizations ?? [] : [];
  return found.find((o) => typeof o.name === "string" && o.name.toLowerCase() === name.toLowerCase());
}

/** PUT /organizations/{id}: 200 updated; other answers are returned to the caller. */
async function updateById(api: Api, record: WriteRecord, id: string, organization: Record<string, unknown>, earlier: EarlierAttempt[]) {
  const a = await call(api, "PUT", `/organizations/${encodeURIComponent(id)}`, { organization });
  assertAllowed(a, "update organizations");
  return { a, result: ok(a) ? ({ key: record.key, status: "ok", op: "update", destinationId: id, ...(earlier.length ? { earlier } : {}) } as RecordResult) : undefined };
}

/**
 * One organization: an update by its stored id (404 → created again), else create_or_update (matched on
 * external_id). A name another organization holds (422 DuplicateValue) updates that organization,
 * unless it carries another external ID (then it is someone else's and the record fails as a duplicate).
 */
async function upsertOne(api: Api, record: WriteRecord): Promise<RecordResult> {
  const organization = toZendesk("organizations", record.payload ?? {});
  const earlier: EarlierAttempt[] = [];
  try {
    if (record.destinationId) {
      const { a, result } = await updateById(api, record, record.destinationId, organization, earlier);
      if (result) return result;
      if (a.status !== 404) return failed(record, a, earlier, isDuplicate(a) ? idOf(await namedOrganization(api, organization.name)) : undefined);
      earlier.push({ op: "update", kind: "not_found", message: `Zendesk has no organization ${record.destinationId} any more (deleted): creating it again`, response: excerpt(a) });
    }
    const a = await call(api, "POST", "/organizations/create_or_update", { organization });
    assertAllowed(a, "create organizations");
    const id = (a.json as { organization?: Organization } | undefined)?.organization?.id;
    if ((a.status === 200 || a.status === 201) && id !== undefined && id !== null)
      return settled(record, { created: a.status === 201, id: String(id), earlier });
    if (!isDuplicate(a)) return failed(record, a, earlier);
    const holder = await namedOrganization(api, organization.name);
    const ours = holder && (!holder.external_id || organization.external_id === undefined || String(holder.external_id).toLowerCase() === String(organization.external_id).toLowerCase());
    if (!holder || !ours) return failed(record, a, earlier, idOf(holder));
    const holderId = String(holder.id);
    earlier.push({ op: "create", kind: "duplicate", message: `Organization ${holderId} already has this name: updating it`, response: excerpt(a) });
    const updated = await updateById(api, record, holderId, organization, earlier);
    return updated.result ?? failed(record, updated.a, earlier);
  } catch (error) {
    return technicalFailure(record.key, error, earlier.length ? earlier : undefined);
  }
}

/** DELETE /organizations/{id}; one already gone counts as deleted. */
async function deleteOne(api: Api, record: WriteRecord): Promise<RecordResult> {
  if (!record.destinationId) return { key: record.key, status: "ok", op: "delete" };
  try {
    const a = await call(api, "DELETE", `/organizations/${encodeURIComponent(record.destinationId)}`);
    assertAllowed(a, "delete organizations");
    if (ok(a) || a.status === 404) return { key: record.key, status: "ok", op: "delete" };
    return failed(record, a, []);
  } catch (error) {
    return technicalFailure(record.key, error);
  }
}

/** Organizations have no bulk upsert: each record is one call, a few at a time. */
export async function writeOrganizations(api: Api, records: WriteRecord[]): Promise<RecordResult[]> {
  return pool(records, CONCURRENCY, (r) => (r.op === "delete" ? deleteOne(api, r) : upsertOne(api, r)));
}
