/** Response shapes of the REST API, for the OpenAPI document. */
import { z } from "zod";
import { columnTypes } from "@/lib/entities/catalog";
import { itemStatuses, runModes, runTriggers, shownRunStatuses } from "@/lib/vocabulary";

export const datasetOut = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  columns: z.array(z.object({ name: z.string(), type: z.enum(columnTypes), integer: z.literal(true).optional().describe("Set on a number column that holds whole numbers only") })),
  primaryKey: z.string(),
});

export const rateLimit = z.strictObject({ windowSeconds: z.number().int().min(1).max(86_400), maxRequests: z.number().int().min(1).max(1_000_000) });

export const connectionOut = z.object({
  id: z.uuid(),
  connector: z.string(),
  name: z.string(),
  settings: z.record(z.string(), z.unknown()),
  rateLimit: rateLimit.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const counts = z.object({
  planned: z.number(),
  created: z.number(),
  updated: z.number(),
  deleted: z.number(),
  unchanged: z.number(),
  failed: z.number(),
  heldBack: z.number(),
  /** Records the plan removes: what the deletion guard weighed. */
  plannedDeletes: z.number(),
});

export const runOut = z.object({
  id: z.uuid(),
  syncId: z.uuid(),
  trigger: z.enum(runTriggers),
  mode: z.enum(runModes),
  /**
   * `held`: over the sync's deletion limit, waiting for POST /runs/{id}/confirm or /discard. `cancelling`: a user
   * cancelled the running run; it stops before its next batch.
   */
  status: z.enum(shownRunStatuses),
  counts,
  progress: z.object({ delivered: z.number(), planned: z.number() }),
  error: z.string().nullable(),
  notice: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  confirmedBy: z.string().nullable(),
  files: z.array(z.object({ name: z.string(), rows: z.number(), bytes: z.number(), sha256: z.string() })).nullable(),
  queuedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  steps: z.array(z.object({ name: z.string(), status: z.string(), attempt: z.number(), error: z.string().nullable(), startedAt: z.string(), finishedAt: z.string().nullable() })).optional(),
});

export const recordOut = z.object({
  key: z.string(),
  operation: z.string(),
  status: z.enum(itemStatuses),
  result: z.string().nullable(),
  attempts: z.number(),
  errorKind: z.string().nullable(),
  message: z.string().nullable(),
  /** A record that went through with something left out (an invalid identifier not sent). */
  warning: z.string().nullable(),
  response: z.object({ status: z.number().nullable(), body: z.string().nullable() }).nullable(),
});
