/**
 * A run's delivery to a Customer Match list: members ingested and removed in requests of at most 10,000,
 * each record checked first so that no request of ours trips Google's whole-request rejection; a replace
 * ingests everything, waits (durably, through the engine) until Google has processed it, then removes
 * every member last added before the run began.
 */
import "server-only";
import { chunks, droppedWarning, excerpt, technicalFailure, withWarning } from "../shared/api";
import { type CommitResult, type DeliveryContext, DestinationConfigError, type RecordResult, type WriteRecord } from "../types";
import { dataManager, type DataManager, describeError, googleError } from "./client";
import { digitsOf, type GoogleAudiencesSecrets, type GoogleAudiencesSettings } from "./config";
import { DENIED_NOT_SENT, effectiveConsent, mayBeSent, memberConsent, requestConsent } from "./consent";
import { type Consent, draftMember, type Identifiers, readIdentifiers, staleIdentifiers, userIdentifiers } from "./normalize";

type Ctx = DeliveryContext<GoogleAudiencesSettings, GoogleAudiencesSecrets>;
type Settings = GoogleAudiencesSettings;
export type GoogleState = { asOf?: string; ingestRequestIds: string[]; checks: number; uploads?: number; unsent?: number; errorCounts?: Record<string, number> };
type Outgoing = { key: string; identifiers: Identifiers; consent?: Consent };
type Failed = Extract<RecordResult, { status: "failed" }>;

/** Google's limit per ingest or remove request. */
export const MAX_MEMBERS = 10_000;
/** The longest wait between two checks of a replace's uploads: Google documents up to half an hour of processing. */
const MAX_WAIT_SECONDS = 1_800;

const account = (type: string, id: string) => ({ accountType: type, accountId: digitsOf(id) });
export const accountPath = (s: Settings) => `/v1/accountTypes/${s.operatingAccountType}/accounts/${digitsOf(s.operatingAccountId)}`;

export function destinationOf(s: Settings, userListId: string) {
  return {
    operatingAccount: account(s.operatingAccountType, s.operatingAccountId),
    ...(s.loginAccountId ? { loginAccount: account(s.loginAccountType, s.loginAccountId) } : {}),
    productDestinationId: userListId,
  };
}

function requestBody(ctx: Ctx, kind: "ingest" | "remove", items: Outgoing[]) {
  const s = ctx.connection.settings;
  const audienceMembers = items.map((i) => ({ userData: { userIdentifiers: userIdentifiers(i.identifiers, s.encoding) }, ...(kind === "ingest" && i.consent ? { consent: i.consent } : {}) }));
  const body = { destinations: [destinationOf(s, ctx.object)], audienceMembers, encoding: s.encoding };
  return kind === "ingest" ? { ...body, consent: requestConsent(s, ctx), termsOfService: { customerMatchTermsOfServiceStatus: "ACCEPTED" } } : body;
}

/** Which members a 400 names (`audience_members[3].user_data…`), with Google's reason. */
function refusedMembers(violations: { field: string; description: string; reason?: string }[], count: number) {
  const refused = new Map<number, string>();
  for (const v of violations) {
    const at = Number(/^audience_?members\[(\d+)\]/i.exec(v.field)?.[1] ?? NaN);
    if (at >= 0 && at < count) refused.set(at, [refused.get(at), `${v.reason ?? "INVALID_ARGUMENT"}: ${v.description} (${v.field})`].filter(Boolean).join("; "));
  }
  return refused;
}

const failed = (key: string, kind: Failed["kind"], message: string, response?: Failed["response"]): Failed => ({ key, status: "failed", kind, message, response });

/**
 * Sends one request of at most 10,000 members. Should Google still refuse it for some members, those are
 * set aside as rejected with Google's reason and the rest is sent again; a refusal that names no member
 * (the destination, the terms) ends the run.
 */
async function sendRequest(api: DataManager, ctx: Ctx, kind: "ingest" | "remove", items: Outgoing[], out: Map<string, RecordResult | "ok">, requestIds: string[]) {
  let pending = items;
  for (let round = 0; pending.length > 0 && round < 5; round++) {
    let answer;
    try {
      answer = await api.call("POST", `/v1/audienceMembers:${kind}`, requestBody(ctx, kind, pending));
    } catch (error) {
      for (const item of pending) out.set(item.key, technicalFailure(item.key, error));
      return;
    }
    if (answer.status >= 200 && answer.status < 300) {
      for (const item of pending) out.set(item.key, "ok");
      const requestId = (answer.json as { requestId?: string } | undefined)?.requestId;
      if (requestId) requestIds.push(requestId);
      return;
    }
    const e = googleError(answer);
    const refused = answer.status === 400 ? refusedMembers(e.violations, pending.length) : new Map<number, string>();
    if (refused.size === 0) {
      if (answer.status === 400 || answer.status === 404) throw new DestinationConfigError(`Google refused the ${kind} request as a whole: ${describeError(e)}`);
      for (const item of pending) out.set(item.key, failed(item.key, "technical", `Google answered ${describeError(e)}`, excerpt(answer)));
      return;
    }
    pending.forEach((item, at) => {
      const why = refused.get(at);
      if (why) out.set(item.key, failed(item.key, "rejected", `Google refused this member (${why}); the rest of its request was sent again without it`, excerpt(answer)));
    });
    pending = pending.filter((_, at) => !refused.has(at));
  }
  for (const item of pending) out.set(item.key, failed(item.key, "technical", `Google kept refusing the ${kind} request`));
}

async function send(api: DataManager, ctx: Ctx, kind: "ingest" | "remove", items: Outgoing[], requestIds: string[]) {
  const out = new Map<string, RecordResult | "ok">();
  for (const chunk of chunks(items, MAX_MEMBERS)) await sendRequest(api, ctx, kind, chunk, out, requestIds);
  return out;
}

/**
 * Drafts each record's member; records that would make Google refuse the request are rejected here and
 * never sent, nor are members who denied consent to ad user data (what was sent of them before is removed).
 */
function prepare(ctx: Ctx, records: WriteRecord[]) {
  const s = ctx.connection.settings;
  const settled = new Map<string, RecordResult>();
  const ingest: Outgoing[] = [];
  const remove: Outgoing[] = [];
  const denied = new Set<string>();
  const warnings = new Map<string, string>();
  for (const r of records) {
    const before = readIdentifiers(r.identifiers);
    if (r.op === "delete") {
      if (before) remove.push({ key: r.key, identifiers: before });
      else settled.set(r.key, { key: r.key, status: "ok", op: "delete" }); // nothing of it was ever sent
      continue;
    }
    const draft = draftMember(r.payload ?? {}, { encoding: s.encoding, phoneCountry: s.defaultPhoneCountry?.toUpperCase(), key: ctx.key });
    if (draft.problems.length) {
      settled.set(r.key, failed(r.key, "rejected", `${draft.problems.join("; ")}: nothing was sent for this record`));
      continue;
    }
    if (!mayBeSent(effectiveConsent(s, ctx, draft.consent))) {
      denied.add(r.key);
      if (before) remove.push({ key: r.key, identifiers: before });
      else settled.set(r.key, failed(r.key, "rejected", DENIED_NOT_SENT));
      continue;
    }
    ingest.push({ key: r.key, identifiers: draft.identifiers, consent: memberConsent(s, ctx, draft.consent) });
    if (draft.dropped.length) warnings.set(r.key, droppedWarning(draft.dropped));
    // A replace removes whatever it did not add; otherwise identifiers the member no longer has are removed.
    const stale = ctx.mode !== "replace" && before ? staleIdentifiers(before, draft.identifiers) : undefined;
    if (stale) remove.push({ key: r.key, identifiers: stale });
  }
  return { settled, ingest, remove, denied, warnings };
}

/** A record's outcome from what its removal and its ingest each came to. */
function outcomeOf(r: WriteRecord, removed: RecordResult | "ok" | undefined, added: RecordResult | "ok" | undefined, denied: boolean, sent?: Identifiers): RecordResult {
  if (r.op === "delete") return removed === "ok" ? { key: r.key, status: "ok", op: "delete" } : removed!;
  if (denied)
    return removed === "ok"
      ? failed(r.key, "rejected", `${DENIED_NOT_SENT}; what was sent of this member before was removed from the audience`)
      : { ...(removed as Failed), message: `${DENIED_NOT_SENT}, and removing what was sent of this member before failed: ${(removed as Failed).message}` };
  // A request that got no answer may have added the member all the same: keep what was sent, for a removal.
  if (added !== "ok") return added!.status === "failed" && added!.kind === "technical" && sent ? { ...added!, identifiers: sent } : added!;
  if (removed && removed !== "ok" && removed.status === "failed") return { ...removed, message: `Added with its new identifiers, but removing the old ones failed: ${removed.message}`, identifiers: sent };
  const op = r.op === "update" || (r.op === "upsert" && r.identifiers) ? "update" : "create";
  return { key: r.key, status: "ok", op, identifiers: sent! };
}

/**
 * Removals go first: Customer Match removes the user an identifier matches, so removing a member's old
 * email after adding its new one could drop the person just added.
 */
export async function writeMembers(ctx: Ctx, s: GoogleState, records: WriteRecord[]) {
  const { settled, ingest, remove, denied, warnings } = prepare(ctx, records);
  const api = dataManager(ctx);
  const requestIds: string[] = [];
  const removed = remove.length ? await send(api, ctx, "remove", remove, []) : new Map<string, RecordResult | "ok">();
  const ingested = ingest.length ? await send(api, ctx, "ingest", ingest, requestIds) : new Map<string, RecordResult | "ok">();
  const sentIds = new Map(ingest.map((i) => [i.key, i.identifiers]));
  const results = records.map((r) => withWarning(settled.get(r.key) ?? outcomeOf(r, removed.get(r.key), ingested.get(r.key), denied.has(r.key), sentIds.get(r.key)), warnings.get(r.key)));
  // A replace must not remove members it failed to add again: commit refuses to when any upload failed for technical reasons.
  const unsent = results.filter((r) => r.status === "failed" && r.kind === "technical").length;
  const next: GoogleState = ctx.mode === "replace" ? { ...s, ingestRequestIds: [...(s.ingestRequestIds ?? []), ...requestIds], uploads: (s.uploads ?? 0) + requestIds.length, unsent: (s.unsent ?? 0) + unsent } : s;
  return { results, state: next };
}

/** Google's time when it answered about the list (which also proves the list is there), from the answer's Date. */
async function googleTime(ctx: Ctx): Promise<number> {
  const answer = await dataManager(ctx).call("GET", `${accountPath(ctx.connection.settings)}/userLists/${ctx.object}`);
  if (answer.status === 404) throw new DestinationConfigError(`Google has no user list ${ctx.object} in account ${ctx.connection.settings.operatingAccountId}`);
  if (answer.status !== 200) throw new Error(`Reading user list ${ctx.object} failed: ${describeError(googleError(answer))}`);
  return Date.parse(answer.headers.get("date") ?? "");
}

/** How many times a replace reads Google's time, a second apart, waiting for its next second. */
const MAX_TIME_READS = 120;

/**
 * A replace's starting point on Google's clock: every member the run adds arrives after it, whatever our clock
 * says, and every member added before the run, before it. A Date counts whole seconds, so a member added earlier
 * in the second of the first answer is later than that second's start: the starting point is the next second
 * Google names, once it has begun. Without a Date, a minute before our clock's time.
 */
export async function beginDelivery(ctx: Ctx): Promise<GoogleState> {
  if (ctx.mode !== "replace") return { ingestRequestIds: [], checks: 0 };
  const state = (asOf: number): GoogleState => ({ asOf: new Date(asOf).toISOString(), ingestRequestIds: [], checks: 0, uploads: 0 });
  const fallback = () => state(ctx.clock.now() - 60_000);
  const first = await googleTime(ctx);
  if (!Number.isFinite(first)) return fallback();
  for (let read = 0; read < MAX_TIME_READS; read++) {
    await ctx.clock.sleep(1_000);
    const next = await googleTime(ctx);
    if (!Number.isFinite(next)) return fallback();
    if (next > first) return state(next);
  }
  throw new Error(`Google's clock did not move past ${new Date(first).toISOString()} in ${MAX_TIME_READS} reads: the replace cannot tell the members from before`);
}

type Status = { processing: boolean; failed: boolean; errorCounts: Record<string, number> };

async function requestStatus(api: DataManager, requestId: string): Promise<Status> {
  const answer = await api.call("GET", `/v1/requestStatus:retrieve?requestId=${encodeURIComponent(requestId)}`);
  if (answer.status !== 200) {
    const e = googleError(answer);
    if (answer.status === 400 || answer.status === 404)
      throw new DestinationConfigError(`Google cannot say how upload ${requestId} went (${describeError(e)}): the members from before the replace were left in the audience`);
    throw new Error(`Checking upload ${requestId} failed: ${describeError(e)}`);
  }
  const perDestination = ((answer.json as { requestStatusPerDestination?: unknown[] } | undefined)?.requestStatusPerDestination ?? []) as {
    requestStatus?: string;
    errorInfo?: { errorCounts?: { reason?: string; recordCount?: string }[] };
  }[];
  const errorCounts: Record<string, number> = {};
  for (const d of perDestination) for (const c of d.errorInfo?.errorCounts ?? []) errorCounts[c.reason ?? "UNKNOWN"] = (errorCounts[c.reason ?? "UNKNOWN"] ?? 0) + Number(c.recordCount ?? 0);
  return {
    processing: perDestination.length === 0 || perDestination.some((d) => d.requestStatus === "PROCESSING" || d.requestStatus === "REQUEST_STATUS_UNKNOWN" || !d.requestStatus),
    failed: perDestination.some((d) => d.requestStatus === "FAILED"),
    errorCounts,
  };
}

const countsText = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([reason, n]) => `${reason.replace(/^PROCESSING_ERROR_REASON_/, "")} × ${n}`)
    .join(", ");

/**
 * Ends a replace: checks the uploads in order, answers `pending` while Google is still processing one
 * (the engine sleeps, then calls again), and once all are in, removes every member last added before the
 * run began. An upload Google failed leaves the audience as it was: emptying it would lose the old members.
 */
export async function commitDelivery(ctx: Ctx, state: GoogleState): Promise<CommitResult<GoogleState>> {
  if (ctx.mode !== "replace") return {};
  if (state.unsent)
    throw new DestinationConfigError(
      `${state.unsent} members could not be uploaded after retries, so the replace did not remove the members from before (it would have removed these too): run it again`,
    );
  const api = dataManager(ctx);
  const pending = [...state.ingestRequestIds];
  const errorCounts = { ...state.errorCounts };
  while (pending.length) {
    const status = await requestStatus(api, pending[0]!);
    if (status.processing) {
      const waitSeconds = Math.min(MAX_WAIT_SECONDS, 30 * 2 ** state.checks);
      const message = `Google is processing ${pending.length} of ${state.uploads ?? pending.length} uploads`;
      return { pending: { waitSeconds, message, state: { ...state, ingestRequestIds: pending, checks: state.checks + 1, errorCounts } } };
    }
    for (const [reason, n] of Object.entries(status.errorCounts)) errorCounts[reason] = (errorCounts[reason] ?? 0) + n;
    if (status.failed)
      throw new DestinationConfigError(`Google failed upload ${pending[0]} of this replace (${countsText(status.errorCounts) || "no reason given"}): the members from before were left in the audience`);
    pending.shift();
  }
  const answer = await api.call("POST", "/v1/audienceMembers:removeAll", { destinations: [destinationOf(ctx.connection.settings, ctx.object)], removeAsOfTime: state.asOf });
  if (answer.status === 400) throw new DestinationConfigError(`Google refused to remove the members from before the replace: ${describeError(googleError(answer))}`);
  if (answer.status !== 200) throw new Error(`Removing the members from before the replace failed: ${describeError(googleError(answer))}`);
  const skipped = countsText(errorCounts);
  return { message: skipped ? `Google did not add some members: ${skipped}` : undefined };
}
