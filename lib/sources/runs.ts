import "server-only";
import { requestImportRun, requestImportRunCancel } from "@/inngest/requests";
import { type Actor, audit } from "@/lib/audit";
import type { Db } from "@/lib/db/client";
import { importRejectsPage, importRunStepsOf, listImportRuns, requireImport, requireImportRun } from "@/lib/db/queries/sources";
import { PublicError } from "@/lib/errors";
import type { RunTrigger } from "@/lib/vocabulary";

type Who = { workspaceId: string; actor: Actor };

/** Queues a run of the import now (editors: the caller checks `runSyncs`); a run already queued is answered instead. */
export async function startImportRun(db: Db, p: Who & { importId: string; trigger: RunTrigger }) {
  const found = await requireImport(db, p);
  const run = await requestImportRun(db, { workspaceId: p.workspaceId, importId: found.id, trigger: p.trigger });
  await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "import.run_started", target: { type: "import", id: found.id, name: found.name }, details: { runId: run.id } });
  return run;
}

/** Asks a run to stop: "cancelled" at once when it had not started, "cancelling" until a running one reaches its next page (409 when it had ended). */
export async function cancelImportRun(db: Db, p: Who & { runId: string }) {
  const run = await requireImportRun(db, p);
  const cancelled = await requestImportRunCancel(db, { workspaceId: p.workspaceId, runId: run.id });
  if (!cancelled) throw new PublicError(`The run has already ended (${run.status})`, { status: 409 });
  await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "import.run_cancelled", target: { type: "import", id: run.importId }, details: { runId: run.id } });
  return { id: run.id, status: cancelled.status };
}

/** The import's runs, newest first: status, counts (read, created, updated, unchanged, deleted, rejected), timings, error. */
export const importRunsOf = (db: Db, p: { workspaceId: string; importId: string; limit?: number }) => listImportRuns(db, p);

/** One run with its per-step history (name, status, attempt, timings, error). */
export async function importRunDetail(db: Db, p: { workspaceId: string; runId: string }) {
  const run = await requireImportRun(db, p);
  return { run, steps: await importRunStepsOf(db, { runId: run.id }) };
}

/** A page of a run's record log: the rejected source rows with their key, kind (type_mismatch, missing_key, duplicate_key) and message. */
export async function importRejectsOf(db: Db, p: { workspaceId: string; runId: string; cursor?: string; limit: number }) {
  await requireImportRun(db, p);
  return importRejectsPage(db, p);
}
