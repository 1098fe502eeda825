import "server-only";
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { requireChannel } from "@/lib/db/queries/notifications";
import { openChannel } from "@/lib/notify/channel-store";
import { type DeliveryAttempt, notificationChannels, notificationDeliveries, type Sync, syncAlertStates, syncRunItems, syncRuns, syncs, workspaces } from "@/lib/db/schema";
import { appUrl } from "@/lib/env";
import { completedRunStatuses } from "@/lib/vocabulary";
import type { Notice, TopError } from "./message";
import { subjectOf } from "./message";
import { alertRulesSchema, judgeRun, judgeStaleness, type RuleName, type RuleStatus, ruleNames, type RunOutcome, type Transition, transitions } from "./rules";
import { PermanentFailure, sendNotice, TransientFailure } from "./send";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0] | Db;

const rulesOf = (sync: Sync) => alertRulesSchema.parse(sync.alerts ?? {});

async function workspaceName(db: Tx, workspaceId: string) {
  return (await db.query.workspaces.findFirst({ where: eq(workspaces.id, workspaceId), columns: { name: true } }))?.name ?? "";
}

/** The three most frequent error kinds of a run's failed records, each with one example and the destination's answer. */
async function topErrors(db: Tx, runId: string): Promise<TopError[]> {
  const kinds = await db
    .select({ kind: syncRunItems.errorKind, count: sql<number>`count(*)::int`, key: sql<string>`min(${syncRunItems.recordKey})` })
    .from(syncRunItems)
    .where(and(eq(syncRunItems.runId, runId), eq(syncRunItems.status, "failed")))
    .groupBy(syncRunItems.errorKind)
    .orderBy(desc(sql`count(*)`))
    .limit(3);
  if (kinds.length === 0) return [];
  const examples = await db.query.syncRunItems.findMany({ where: and(eq(syncRunItems.runId, runId), inArray(syncRunItems.recordKey, kinds.map((k) => k.key))) });
  return kinds.map((k) => {
    const e = examples.find((x) => x.recordKey === k.key)!;
    return { kind: k.kind ?? "technical", count: k.count, example: { key: e.recordKey, message: e.message, responseStatus: e.responseStatus, responseBody: e.responseBody } };
  });
}

async function runNotice(db: Tx, sync: Sync, runId: string, event: Notice["event"], rule: RuleName): Promise<Notice> {
  const run = (await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, runId) }))!;
  return {
    event,
    rule,
    workspace: await workspaceName(db, sync.workspaceId),
    sync: { id: sync.id, name: sync.name },
    run: { id: run.id, status: run.status, mode: run.mode, planned: run.planned, created: run.created, updated: run.updated, deleted: run.deleted, failed: run.failed, error: run.error, finishedAt: run.finishedAt?.toISOString() ?? null, plannedDeletes: run.plannedDeletes, notice: run.notice },
    topErrors: event === "alert" ? await topErrors(db, run.id) : [],
    url: `${appUrl()}/runs/${run.id}`,
    at: new Date().toISOString(),
  };
}

/**
 * Moves each rule to its new state (atomically: a rule already there is left alone) and queues one
 * delivery per chosen channel for each change. Returns the deliveries it queued.
 */
async function applyTransitions(tx: Tx, sync: Sync, changes: Transition[], p: { runId?: string; notice: (event: Notice["event"], rule: RuleName) => Promise<Notice> }): Promise<string[]> {
  const queued: string[] = [];
  const channelIds = rulesOf(sync).channelIds;
  const channels = channelIds.length
    ? await tx.query.notificationChannels.findMany({ where: and(eq(notificationChannels.workspaceId, sync.workspaceId), inArray(notificationChannels.id, channelIds)), columns: { id: true } })
    : [];
  for (const { rule, to } of changes) {
    const [state] = await tx
      .insert(syncAlertStates)
      .values({ syncId: sync.id, rule, status: to, since: new Date(), runId: p.runId ?? null, changes: 1 })
      .onConflictDoUpdate({
        target: [syncAlertStates.syncId, syncAlertStates.rule],
        set: { status: to, since: new Date(), runId: p.runId ?? null, changes: sql`${syncAlertStates.changes} + 1` },
        setWhere: sql`${syncAlertStates.status} <> ${to}`,
      })
      .returning();
    if (!state || channels.length === 0) continue;
    const event: Notice["event"] = to === "alerting" ? "alert" : "recovery";
    const notice = await p.notice(event, rule);
    const inserted = await tx
      .insert(notificationDeliveries)
      .values(channels.map((c) => ({ workspaceId: sync.workspaceId, channelId: c.id, syncId: sync.id, runId: p.runId ?? null, event, rule, change: state.changes, subject: subjectOf(notice), notice })))
      .onConflictDoNothing()
      .returning({ id: notificationDeliveries.id });
    queued.push(...inserted.map((d) => d.id));
  }
  return queued;
}

async function currentStates(db: Tx, syncId: string) {
  const rows = await db.query.syncAlertStates.findMany({ where: eq(syncAlertStates.syncId, syncId) });
  return Object.fromEntries(rows.map((r) => [r.rule, r.status])) as Partial<Record<RuleName, RuleStatus>>;
}

/** A run ended: judge the sync's rules on it and queue notices for the rules whose state changed. Returns the run's pending deliveries. */
export async function recordRunOutcome(db: Db, p: { runId: string; syncId: string; status: RunOutcome["status"]; counts?: RunOutcome["counts"] }): Promise<string[]> {
  await db.transaction(async (tx) => {
    const sync = await tx.query.syncs.findFirst({ where: eq(syncs.id, p.syncId) });
    if (!sync) return;
    const rules = rulesOf(sync);
    const enabled = ruleNames.filter((r) => (r === "failure" ? rules.onFailure : r === "rejected" ? rules.rejected !== null : r === "stale" ? rules.staleHours !== null : true));
    // A rule switched off forgets its state, so switching it on again starts from "ok".
    await tx.delete(syncAlertStates).where(and(eq(syncAlertStates.syncId, sync.id), sql`${syncAlertStates.rule} NOT IN (${sql.join([...enabled, "-"].map((r) => sql`${r}`), sql`, `)})`));
    const changes = transitions(judgeRun(rules, { status: p.status, counts: p.counts }), await currentStates(tx, sync.id));
    await applyTransitions(tx, sync, changes, { runId: p.runId, notice: (event, rule) => runNotice(tx, sync, p.runId, event, rule) });
  });
  const pending = await db.select({ id: notificationDeliveries.id }).from(notificationDeliveries).where(and(eq(notificationDeliveries.runId, p.runId), eq(notificationDeliveries.status, "pending")));
  return pending.map((d) => d.id);
}

/**
 * The periodic check: syncs whose staleness rule is crossed (no completed run for N hours) get an alert.
 * Returns those new deliveries, and apart the ones still pending, never attempted, after 2 minutes (their
 * request was lost), so every notice queued is eventually sent.
 */
export async function checkStaleSyncs(db: Db, now: Date): Promise<{ queued: string[]; lost: string[] }> {
  const queued: string[] = [];
  const candidates = await db.query.syncs.findMany({ where: and(eq(syncs.enabled, true), sql`(${syncs.alerts} ->> 'staleHours') IS NOT NULL`) });
  for (const candidate of candidates) {
    await db.transaction(async (tx) => {
      const sync = (await tx.query.syncs.findFirst({ where: eq(syncs.id, candidate.id) }))!;
      const rules = rulesOf(sync);
      const [last] = await tx
        .select({ at: sql<Date | null>`max(${syncRuns.finishedAt})` })
        .from(syncRuns)
        .where(and(eq(syncRuns.syncId, sync.id), inArray(syncRuns.status, completedRunStatuses)));
      const lastCompletedAt = last?.at ? new Date(last.at) : null;
      const verdict = judgeStaleness(rules, { lastCompletedAt, createdAt: sync.createdAt, now });
      const changes = transitions(verdict ? { stale: verdict } : {}, await currentStates(tx, sync.id)).filter((c) => c.to === "alerting");
      const ids = await applyTransitions(tx, sync, changes, {
        notice: async (event, rule) => ({
          event,
          rule,
          workspace: await workspaceName(tx, sync.workspaceId),
          sync: { id: sync.id, name: sync.name },
          run: null,
          topErrors: [],
          stale: { hours: rules.staleHours!, lastCompletedAt: lastCompletedAt?.toISOString() ?? null },
          url: `${appUrl()}/syncs/${sync.id}`,
          at: now.toISOString(),
        }),
      });
      queued.push(...ids);
    });
  }
  const lost = await db
    .select({ id: notificationDeliveries.id })
    .from(notificationDeliveries)
    .where(and(eq(notificationDeliveries.status, "pending"), sql`jsonb_array_length(${notificationDeliveries.attempts}) = 0`, lt(notificationDeliveries.createdAt, new Date(now.getTime() - 120_000))));
  return { queued, lost: lost.map((l) => l.id).filter((id) => !queued.includes(id)) };
}

const appendAttempt = (attempt: DeliveryAttempt) => sql`${notificationDeliveries.attempts} || ${JSON.stringify([attempt])}::jsonb`;

/** One attempt at a delivery: sent once, never again; each attempt is kept with the receiver's answer. */
export async function attemptDelivery(db: Db, deliveryId: string): Promise<"sent" | "failed" | "gone"> {
  const delivery = await db.query.notificationDeliveries.findFirst({ where: eq(notificationDeliveries.id, deliveryId) });
  if (!delivery) return "gone";
  if (delivery.status !== "pending") return delivery.status;
  const channel = (await db.query.notificationChannels.findFirst({ where: eq(notificationChannels.id, delivery.channelId) }))!;
  try {
    const status = await sendNotice(openChannel(channel), delivery.notice, delivery.id);
    await db
      .update(notificationDeliveries)
      .set({ status: "sent", sentAt: new Date(), attempts: appendAttempt({ at: new Date().toISOString(), ok: true, status }) })
      .where(eq(notificationDeliveries.id, delivery.id));
    return "sent";
  } catch (error) {
    const status = error instanceof PermanentFailure || error instanceof TransientFailure ? error.status : undefined;
    await db
      .update(notificationDeliveries)
      .set({ attempts: appendAttempt({ at: new Date().toISOString(), ok: false, status, error: (error as Error).message }), ...(error instanceof PermanentFailure ? { status: "failed" as const } : {}) })
      .where(eq(notificationDeliveries.id, delivery.id));
    throw error;
  }
}

/** Retries ran out: the delivery is failed for good. */
export async function markDeliveryFailed(db: Db, deliveryId: string) {
  await db.update(notificationDeliveries).set({ status: "failed" }).where(and(eq(notificationDeliveries.id, deliveryId), eq(notificationDeliveries.status, "pending")));
}

/** "Send test notification": one attempt now, kept in the channel's deliveries; the answer is shown to the user. */
export async function sendTestNotice(db: Db, p: { workspaceId: string; channelId: string }): Promise<{ ok: boolean; message: string }> {
  const channel = await requireChannel(db, p);
  const notice: Notice = { event: "test", rule: null, workspace: await workspaceName(db, p.workspaceId), sync: null, run: null, topErrors: [], url: `${appUrl()}/settings/notifications`, at: new Date().toISOString() };
  const [delivery] = await db.insert(notificationDeliveries).values({ workspaceId: p.workspaceId, channelId: channel.id, event: "test", subject: subjectOf(notice), notice }).returning();
  try {
    await attemptDelivery(db, delivery!.id);
    return { ok: true, message: channel.kind === "email" ? "Sent: check the recipients' inboxes" : "Delivered: the receiver accepted it" };
  } catch (error) {
    await markDeliveryFailed(db, delivery!.id);
    return { ok: false, message: (error as Error).message };
  }
}
