/** Response shapes of the REST API, for the OpenAPI document. */
import { z } from "zod";
import { columnTypes } from "@/lib/entities/catalog";

export const datasetOut = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  columns: z.array(z.object({ name: z.string(), type: z.enum(columnTypes) })),
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

export const counts = z.object({ planned: z.number(), created: z.number(), updated: z.number(), deleted: z.number(), unchanged: z.number(), failed: z.number(), heldBack: z.number() });

export const runOut = z.object({
  id: z.uuid(),
  syncId: z.uuid(),
  trigger: z.string(),
  mode: z.string(),
  status: z.enum(["queued", "running", "succeeded", "partial", "failed", "cancelled"]),
  counts,
  progress: z.object({ delivered: z.number(), planned: z.number() }),
  error: z.string().nullable(),
  notice: z.string().nullable(),
  files: z.array(z.object({ name: z.string(), rows: z.number(), bytes: z.number(), sha256: z.string() })).nullable(),
  queuedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  steps: z.array(z.object({ name: z.string(), status: z.string(), attempt: z.number(), error: z.string().nullable(), startedAt: z.string(), finishedAt: z.string().nullable() })).optional(),
});

export const recordOut = z.object({
  key: z.string(),
  operation: z.string(),
  status: z.enum(["pending", "done", "failed"]),
  result: z.string().nullable(),
  attempts: z.number(),
  errorKind: z.string().nullable(),
  message: z.string().nullable(),
  response: z.object({ status: z.number().nullable(), body: z.string().nullable() }).nullable(),
});
