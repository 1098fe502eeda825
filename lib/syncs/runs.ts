import "server-only";
import { z } from "zod";
import { confirmHeldRun, requestRunCancel, requestSyncRun } from "@/inngest/requests";
import { type Actor, audit } from "@/lib/audit";
import type { Db } from "@/lib/db/client";
import { failedRecordKeys, requireRun } from "@/lib/db/queries/runs";
import { requireSync } from "@/lib/db/queries/syncs";
import { parseWith, PublicError } from "@/lib/errors";
import { discardHeldRun } from "@/lib/sync/runs";
import { text } from "@/lib/validation/text";
import type { RunMode, RunTrigger } from "@/lib/vocabulary";

type Who = { workspaceId: string; actor: Actor };

/** The records to send again, when chosen: the same limits whichever door the request came through. */
export const resendKeysSchema = z.array(text().min(1).max(1_000)).min(1).max(10_000);

/** Queues a run of the sync now; the mode is the sync's own unless given. */
export async function startRun(db: Db, p: Who & { syncId: string; mode?: RunMode; trigger: RunTrigger }) {
  const sync = await requireSync(db, p);
  const run = await requestSyncRun(db, { workspaceId: p.workspaceId, syncId: sync.id, trigger: p.trigger, mode: p.mode ?? sync.mode });
  await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "sync.run_started", target: { type: "sync", id: sync.id, name: sync.name }, details: { runId: run.id, mode: run.mode } });
  return run;
}

/** Asks a run to stop: "cancelled" at once when it had not started, "cancelling" until a running one reaches its next batch. */
export async function cancelRun(db: Db, p: Who & { runId: string }) {
  const run = await requireRun(db, p);
  const cancelled = await requestRunCancel(db, { workspaceId: p.workspaceId, runId: run.id });
  if (!cancelled) throw new PublicError(`The run has already ended (${run.status})`, { status: 409 });
  await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "sync.run_cancelled", target: { type: "sync", id: run.syncId }, details: { runId: run.id } });
  return { id: run.id, status: cancelled.status };
}

/** Confirms a run held by its sync's deletion limit: it delivers the plan it kept. */
export async function confirmRun(db: Db, p: Who & { runId: string }) {
  const run = await confirmHeldRun(db, { workspaceId: p.workspaceId, runId: p.runId, confirmedBy: p.actor.label });
  await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "sync.run_confirmed", target: { type: "sync", id: run.syncId }, details: { runId: run.id, deletes: run.plannedDeletes } });
  return run;
}

/** Discards a held run: nothing is delivered, and the next run plans the same deletions again. */
export async function discardRun(db: Db, p: Who & { runId: string }) {
  const run = await discardHeldRun(db, { workspaceId: p.workspaceId, runId: p.runId, discardedBy: p.actor.label });
  await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "sync.run_discarded", target: { type: "sync", id: run.syncId }, details: { runId: run.id, deletes: run.plannedDeletes } });
  return run;
}

/** Sends records of a run again now, in a new incremental run: the keys given, or every record that failed. */
export async function resendRecords(db: Db, p: Who & { runId: string; keys?: string[]; trigger: RunTrigger }) {
  const run = await requireRun(db, p);
  const keys = p.keys === undefined ? await failedRecordKeys(db, { runId: run.id }) : parseWith(resendKeysSchema, p.keys, "Pick between 1 and 10,000 records to send again");
  if (keys.length === 0) throw new PublicError("The run has no failed records to send again", { status: 409 });
  const resend = await requestSyncRun(db, { workspaceId: p.workspaceId, syncId: run.syncId, trigger: p.trigger, mode: "incremental", onlyKeys: keys });
  await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "sync.records_resent", target: { type: "sync", id: run.syncId }, details: { runId: resend.id, records: keys.length } });
  return { run: resend, records: keys.length };
}
