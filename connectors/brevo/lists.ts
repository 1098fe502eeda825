/**
 * Contacts that leave, taken off the connection's lists instead of deleted (on leave "remove_from_lists"):
 * POST /contacts/lists/{listId}/contacts/remove, at most 150 contacts a call, named by their Brevo ids, or
 * by the match key's emails or extIds when the id is not known [B1, B4]. Brevo answers 201
 * {contacts:{success, failure}}, `failure` being contacts not in the list or unknown, and 400
 * "… and/or does not exist" when none was in it: either way the contact is off the list, which is done.
 */
import { chunks, excerpt, pool, technicalFailure } from "../shared/api";
import { type DeliveryContext, DestinationConfigError, type HttpResponse, type RecordResult, type WriteRecord } from "../types";
import { assertAuthorised, brevoCall, errorOf, isNotFound, messageOf } from "./client";
import type { BrevoSecrets, BrevoSettings } from "./config";

type Ctx = DeliveryContext<BrevoSettings, BrevoSecrets>;
/** The three ways the list endpoints name contacts [B1, B4 RemoveContactFromList]. */
type Field = "ids" | "emails" | "extIds";
type Member = { key: string; field: Field; value: number | string };

/** Brevo takes at most 150 contacts per list call [B1]. */
export const LIST_CALL_MAX = 150;
const CONCURRENCY = 4;
const FIELDS: Field[] = ["ids", "emails", "extIds"];

const call = (ctx: Ctx, method: string, path: string, body?: unknown) => brevoCall(ctx.http, ctx.connection, method, path, body);

/** The 400 Brevo gives when no contact of the call could be taken off: none was in the list, or they do not exist [B6 php#47]. */
const noneInList = (a: HttpResponse) => a.status === 400 && /and\/or does not exist|not (in|part of) (the )?list|already (removed|unlinked)/i.test(errorOf(a).message ?? "");

/** How a leaving contact is named: its Brevo id when known (it survives an email change), else the match key when the endpoint takes it. */
function memberOf(ctx: Ctx, record: WriteRecord): Member | undefined {
  if (record.destinationId && /^\d+$/.test(record.destinationId)) return { key: record.key, field: "ids", value: Number(record.destinationId) };
  const key = ctx.key.toLowerCase();
  if (key === "email") return { key: record.key, field: "emails", value: record.key };
  if (key === "ext_id") return { key: record.key, field: "extIds", value: record.key };
  return undefined;
}

/** A contact known by another identifier (SMS …): its Brevo id by GET /contacts/{value}?identifierType=, or "gone". */
async function lookUp(ctx: Ctx, record: WriteRecord, identifierType: string): Promise<Member | RecordResult> {
  try {
    const a = await call(ctx, "GET", `/contacts/${encodeURIComponent(record.key)}?identifierType=${identifierType}`);
    assertAuthorised(a);
    const id = (a.json as { id?: unknown } | undefined)?.id;
    if (a.status === 200 && id !== undefined) return { key: record.key, field: "ids", value: Number(id) };
    if (isNotFound(a)) return { key: record.key, status: "ok", op: "delete" };
    return { key: record.key, status: "failed", kind: "rejected", message: `Looking the contact up in Brevo failed: ${messageOf(a)}`, response: excerpt(a) };
  } catch (error) {
    return technicalFailure(record.key, error);
  }
}

/**
 * One call for one list; returns the members it failed for. A refusal other than "not in the list" may
 * come from one bad value, so the group is split in halves down to the member Brevo refuses.
 */
async function removeGroup(ctx: Ctx, listId: number, field: Field, group: Member[]): Promise<RecordResult[]> {
  let a: HttpResponse;
  try {
    a = await call(ctx, "POST", `/contacts/lists/${listId}/contacts/remove`, { [field]: group.map((m) => m.value) });
  } catch (error) {
    return group.map((m) => technicalFailure(m.key, error));
  }
  assertAuthorised(a);
  if (a.status === 404) throw new DestinationConfigError(`Brevo has no list ${listId} (${messageOf(a)}): take it out of the connection's lists, or create it in Brevo`);
  if ((a.status >= 200 && a.status < 300) || noneInList(a)) return [];
  if (a.status === 400 && group.length > 1) {
    const half = Math.ceil(group.length / 2);
    return [...(await removeGroup(ctx, listId, field, group.slice(0, half))), ...(await removeGroup(ctx, listId, field, group.slice(half)))];
  }
  return group.map((m) => ({ key: m.key, status: "failed", kind: "rejected", message: `Brevo did not take the contact off list ${listId}: ${messageOf(a)}`, response: excerpt(a) }));
}

/** Takes every leaving record off each of the connection's lists; a record is done when it is off all of them. */
export async function removeFromLists(ctx: Ctx, records: WriteRecord[], identifierType: string): Promise<RecordResult[]> {
  if (!records.length) return [];
  const settled = new Map<string, RecordResult>();
  const members: Member[] = [];
  const unnamed = records.filter((r) => {
    const member = memberOf(ctx, r);
    if (member) members.push(member);
    return !member;
  });
  for (const found of await pool(unnamed, CONCURRENCY, (r) => lookUp(ctx, r, identifierType))) {
    if ("field" in found) members.push(found);
    else settled.set(found.key, found);
  }
  const calls = ctx.connection.settings.listIds.flatMap((listId) =>
    FIELDS.flatMap((field) => chunks(members.filter((m) => m.field === field), LIST_CALL_MAX).map((group) => ({ listId, field, group }))),
  );
  for (const failures of await pool(calls, CONCURRENCY, (c) => removeGroup(ctx, c.listId, c.field, c.group)))
    for (const failure of failures) if (!settled.has(failure.key)) settled.set(failure.key, failure);
  return records.map((r) => settled.get(r.key) ?? { key: r.key, status: "ok", op: "delete" });
}
