import "server-only";
import { z } from "zod";
import { stringify } from "csv-stringify/sync";
import { shownRunStatus, type syncRuns } from "@/lib/db/schema";
import { runItemsPage } from "@/lib/db/queries/record-log";
import { requireRun, runSteps } from "@/lib/db/queries/runs";
import { itemStatuses } from "@/lib/vocabulary";
import { recordOutcome } from "@/lib/syncs/record-log";
import { cancelRun, confirmRun, discardRun, resendKeysSchema, resendRecords } from "@/lib/syncs/runs";
import { defineRoute, idParams, nameParam } from "../route";
import { recordOut, runOut } from "./schemas";

type RunRow = typeof syncRuns.$inferSelect;

const publicRun = (r: RunRow) => ({
  id: r.id,
  syncId: r.syncId,
  trigger: r.trigger,
  mode: r.mode,
  status: shownRunStatus(r),
  counts: { planned: r.planned, created: r.created, updated: r.updated, deleted: r.deleted, unchanged: r.unchanged, failed: r.failed, heldBack: r.heldBack, plannedDeletes: r.plannedDeletes },
  progress: { delivered: r.delivered, planned: r.planned },
  error: r.error,
  notice: r.notice,
  files: r.files,
  confirmedAt: r.confirmedAt,
  confirmedBy: r.confirmedBy,
  queuedAt: r.queuedAt,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
});

export const getRunRoute = defineRoute({
  method: "GET",
  path: "/runs/{id}",
  tag: "Runs",
  summary: "A run: status, counts, progress, timings and the history of its steps",
  params: idParams,
  response: runOut,
  handle: async ({ db, workspaceId, params }) => {
    const run = await requireRun(db, { workspaceId, runId: params.id });
    const steps = await runSteps(db, { runId: run.id });
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
    status: z.enum(itemStatuses).optional(),
    limit: z.coerce.number().int().min(1).max(1_000).default(100),
    cursor: nameParam.optional(),
  }),
  response: z.array(recordOut),
  handle: async ({ db, workspaceId, params, query }) => {
    const run = await requireRun(db, { workspaceId, runId: params.id });
    const { page, nextCursor } = await runItemsPage(db, { runId: run.id, ...query });
    return {
      data: page.map((i) => ({
        ...recordOutcome(i),
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
  summary: "Stop a run: a queued one at once; a running one before its next batch (the batch in flight records its results), then it ends cancelled with what it delivered",
  params: idParams,
  success: 202,
  response: z.object({ id: z.uuid(), status: z.enum(["cancelling", "cancelled"]) }),
  handle: async ({ db, workspaceId, actor, params }) => ({ data: await cancelRun(db, { workspaceId, actor, runId: params.id }) }),
});

/** Confirm and discard take no options: an empty body (or `{}`); anything else is refused. */
const noOptions = z.strictObject({});

export const confirmRunRoute = defineRoute({
  method: "POST",
  path: "/runs/{id}/confirm",
  tag: "Runs",
  summary: "Confirm and deliver a run held by its sync's deletion limit: it delivers exactly the plan it kept (409 when the run is not held)",
  params: idParams,
  body: noOptions,
  success: 202,
  response: z.object({ id: z.uuid(), status: z.string() }),
  handle: async ({ db, workspaceId, actor, params }) => {
    const run = await confirmRun(db, { workspaceId, actor, runId: params.id });
    return { data: { id: run.id, status: run.status } };
  },
});

export const discardRunRoute = defineRoute({
  method: "POST",
  path: "/runs/{id}/discard",
  tag: "Runs",
  summary: "Discard a run held by its sync's deletion limit: nothing is delivered and the next run plans again (409 when the run is not held)",
  params: idParams,
  body: noOptions,
  response: z.object({ id: z.uuid(), status: z.string() }),
  handle: async ({ db, workspaceId, actor, params }) => {
    const run = await discardRun(db, { workspaceId, actor, runId: params.id });
    return { data: { id: run.id, status: run.status } };
  },
});

export const resendRecordsRoute = defineRoute({
  method: "POST",
  path: "/runs/{id}/resend",
  tag: "Runs",
  summary: "Send records of a run again now, in a new run: the keys given, or by default every record that failed",
  params: idParams,
  body: z.strictObject({ keys: resendKeysSchema.optional() }),
  success: 202,
  response: z.object({ id: z.uuid(), status: z.string(), records: z.number() }),
  handle: async ({ db, workspaceId, actor, params, body }) => {
    const { run, records } = await resendRecords(db, { workspaceId, actor, runId: params.id, keys: body.keys, trigger: "api" });
    return { data: { id: run.id, status: run.status, records } };
  },
});

const CSV_COLUMNS = ["key", "operation", "status", "result", "attempts", "error_kind", "message", "response_status", "response_body", "warning"];

export const exportRunRecordsRoute = defineRoute({
  method: "GET",
  path: "/runs/{id}/records/export",
  tag: "Runs",
  summary: "The whole record log of a run as CSV (RFC 4180, UTF-8), optionally one status only",
  params: idParams,
  query: z.object({ status: z.enum(itemStatuses).optional() }),
  handle: async ({ db, workspaceId, params, query }) => {
    const run = await requireRun(db, { workspaceId, runId: params.id });
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode(stringify([CSV_COLUMNS])));
        let cursor: string | undefined;
        do {
          const { page, nextCursor } = await runItemsPage(db, { runId: run.id, status: query.status, cursor, limit: 5_000 });
          const rows = page.map((i) => [i.recordKey, i.operation, i.status, i.resultOp, i.attempts, i.errorKind, i.message, i.responseStatus, i.responseBody, i.warning]);
          if (rows.length) controller.enqueue(encoder.encode(stringify(rows)));
          cursor = nextCursor ?? undefined;
        } while (cursor);
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
