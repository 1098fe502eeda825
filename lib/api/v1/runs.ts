import "server-only";
import { and, asc, eq, gt } from "drizzle-orm";
import { z } from "zod";
import { stringify } from "csv-stringify/sync";
import { requestRunCancel, requestSyncRun } from "@/inngest/requests";
import { syncRunItems, syncRuns, syncRunSteps } from "@/lib/db/schema";
import type { Db } from "@/lib/db/client";
import { audit } from "@/lib/audit";
import { runItemsPage } from "@/lib/db/queries/record-log";
import { NotFoundError } from "@/lib/errors";
import { ConflictError, defineRoute, idParams } from "../route";
import { recordOut, runOut } from "./schemas";

type RunRow = typeof syncRuns.$inferSelect;

export const publicRun = (r: RunRow) => ({
  id: r.id,
  syncId: r.syncId,
  trigger: r.trigger,
  mode: r.mode,
  status: r.status,
  counts: { planned: r.planned, created: r.created, updated: r.updated, deleted: r.deleted, unchanged: r.unchanged, failed: r.failed, heldBack: r.heldBack },
  progress: { delivered: r.delivered, planned: r.planned },
  error: r.error,
  notice: r.notice,
  files: r.files,
  queuedAt: r.queuedAt,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
});

async function findRun(db: Db, p: { workspaceId: string; runId: string }) {
  const run = await db.query.syncRuns.findFirst({ where: and(eq(syncRuns.id, p.runId), eq(syncRuns.workspaceId, p.workspaceId)) });
  if (!run) throw new NotFoundError("Run");
  return run;
}

export const getRunRoute = defineRoute({
  method: "GET",
  path: "/runs/{id}",
  tag: "Runs",
  summary: "A run: status, counts, progress, timings and the history of its steps",
  params: idParams,
  response: runOut,
  handle: async ({ db, workspaceId, params }) => {
    const run = await findRun(db, { workspaceId, runId: params.id });
    const steps = await db.query.syncRunSteps.findMany({ where: eq(syncRunSteps.runId, run.id), orderBy: asc(syncRunSteps.startedAt) });
    return {
      data: {
        ...publicRun(run),
        steps: steps.map((s) => ({ name: s.name, status: s.status, attempt: s.attempt, error: s.error, startedAt: s.startedAt, finishedAt: s.finishedAt })),
      },
    };
  },
});

export const listRunRecordsRoute = defineRoute({
  method: "GET",
  path: "/runs/{id}/records",
  tag: "Runs",
  summary: "A page of the run's record log, in key order; filter by status",
  params: idParams,
  query: z.object({
    status: z.enum(["pending", "done", "failed"]).optional(),
    limit: z.coerce.number().int().min(1).max(1_000).default(100),
    cursor: z.string().max(1_000).optional(),
  }),
  response: z.array(recordOut),
  handle: async ({ db, workspaceId, params, query }) => {
    const run = await findRun(db, { workspaceId, runId: params.id });
    const { page, nextCursor } = await runItemsPage(db, { runId: run.id, ...query });
    return {
      data: page.map((i) => ({
        key: i.recordKey,
        operation: i.operation,
        status: i.status,
        result: i.resultOp,
        attempts: i.attempts,
        errorKind: i.errorKind,
        message: i.message,
        response: i.responseStatus === null && i.responseBody === null ? null : { status: i.responseStatus, body: i.responseBody },
      })),
      nextCursor,
    };
  },
});

export const cancelRunRoute = defineRoute({
  method: "POST",
  path: "/runs/{id}/cancel",
  tag: "Runs",
  summary: "Stop a queued or running run; the batch in flight records its results, then the run is marked cancelled",
  params: idParams,
  success: 202,
  response: z.object({ id: z.uuid(), status: z.string() }),
  handle: async ({ db, workspaceId, actor, params }) => {
    const run = await findRun(db, { workspaceId, runId: params.id });
    if (run.status !== "queued" && run.status !== "running") throw new ConflictError(`The run has already ended (${run.status})`);
    await requestRunCancel({ runId: run.id, syncId: run.syncId, workspaceId });
    await audit(db, { workspaceId, actor, action: "sync.run_cancelled", target: { type: "sync", id: run.syncId }, details: { runId: run.id } });
    return { data: { id: run.id, status: "cancelling" } };
  },
});

export const resendRecordsRoute = defineRoute({
  method: "POST",
  path: "/runs/{id}/resend",
  tag: "Runs",
  summary: "Send records of a run again now, in a new run: the keys given, or by default every record that failed",
  params: idParams,
  body: z.strictObject({ keys: z.array(z.string().min(1).max(1_000)).min(1).max(10_000).optional() }),
  success: 202,
  response: z.object({ id: z.uuid(), status: z.string(), records: z.number() }),
  handle: async ({ db, workspaceId, actor, params, body }) => {
    const run = await findRun(db, { workspaceId, runId: params.id });
    const keys =
      body.keys ??
      (await db.select({ key: syncRunItems.recordKey }).from(syncRunItems).where(and(eq(syncRunItems.runId, run.id), eq(syncRunItems.status, "failed")))).map((r) => r.key);
    if (keys.length === 0) throw new ConflictError("The run has no failed records to send again");
    const resend = await requestSyncRun(db, { workspaceId, syncId: run.syncId, trigger: "api", mode: "incremental", onlyKeys: keys });
    await audit(db, { workspaceId, actor, action: "sync.records_resent", target: { type: "sync", id: run.syncId }, details: { runId: resend.id, records: keys.length } });
    return { data: { id: resend.id, status: resend.status, records: keys.length } };
  },
});

const CSV_COLUMNS = ["key", "operation", "status", "result", "attempts", "error_kind", "message", "response_status", "response_body"];

export const exportRunRecordsRoute = defineRoute({
  method: "GET",
  path: "/runs/{id}/records/export",
  tag: "Runs",
  summary: "The whole record log of a run as CSV (RFC 4180, UTF-8), optionally one status only",
  params: idParams,
  query: z.object({ status: z.enum(["pending", "done", "failed"]).optional() }),
  handle: async ({ db, workspaceId, params, query }) => {
    const run = await findRun(db, { workspaceId, runId: params.id });
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode(stringify([CSV_COLUMNS])));
        for (let cursor: string | undefined; ; ) {
          const page = await db
            .select()
            .from(syncRunItems)
            .where(and(eq(syncRunItems.runId, run.id), query.status ? eq(syncRunItems.status, query.status) : undefined, cursor ? gt(syncRunItems.recordKey, cursor) : undefined))
            .orderBy(asc(syncRunItems.recordKey))
            .limit(5_000);
          if (page.length === 0) break;
          const rows = page.map((i) => [i.recordKey, i.operation, i.status, i.resultOp, i.attempts, i.errorKind, i.message, i.responseStatus, i.responseBody]);
          controller.enqueue(encoder.encode(stringify(rows)));
          cursor = page.at(-1)!.recordKey;
        }
        controller.close();
      },
    });
    return {
      response: new Response(stream, {
        headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="run-${run.id}-records.csv"` },
      }),
    };
  },
});
