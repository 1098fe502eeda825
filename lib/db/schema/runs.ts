import { sql } from "drizzle-orm";
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { FileReport } from "@/connectors/types";
import { errorKinds, itemStatuses, runModes, runStatuses, runTriggers, stepStatuses } from "@/lib/vocabulary";
import { syncs } from "./syncs";
import { workspaceId } from "./workspaces";

const syncRef = () =>
  uuid("sync_id")
    .notNull()
    .references(() => syncs.id, { onDelete: "cascade" });

/**
 * The per-record tables (diff state, planned items, record logs) hold millions of rows: they carry no
 * foreign keys, whose per-row checks would double the cost of a large run. Code that deletes a sync or a
 * run deletes their rows too (deleteSync).
 */
const plainWorkspaceId = () => uuid("workspace_id").notNull();

export const syncRuns = pgTable(
  "sync_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: workspaceId(),
    syncId: syncRef(),
    trigger: text("trigger", { enum: runTriggers }).notNull(),
    mode: text("mode", { enum: runModes }).notNull(),
    status: text("status", { enum: runStatuses })
      .notNull()
      .default("queued"),
    planned: integer("planned").notNull().default(0),
    created: integer("created").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    deleted: integer("deleted").notNull().default(0),
    unchanged: integer("unchanged").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    error: text("error"),
    /** What the destination or the engine said about a run that went through (a fallback taken, rows held back). */
    notice: text("notice"),
    /** Rows of the segment not sent because the contact has not granted the sync's required consent. */
    heldBack: integer("held_back").notNull().default(0),
    /** Records the plan removes from the destination (what the deletion guard weighs). */
    plannedDeletes: integer("planned_deletes").notNull().default(0),
    /** A held run a person confirmed: it delivers the plan it kept, without planning again. */
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
    confirmedBy: text("confirmed_by"),
    runtimeRunId: text("runtime_run_id"),
    /** Batches planned and delivered so far (progress), and the connector's state between steps. */
    batches: integer("batches").notNull().default(0),
    delivered: integer("delivered").notNull().default(0),
    deliveryState: jsonb("delivery_state").$type<Record<string, unknown>>(),
    /** The files a file destination wrote in this run: name, rows, bytes, SHA-256. */
    files: jsonb("files").$type<FileReport[]>(),
    /** When set, the run sends only these records (a user resending records from the log). */
    onlyKeys: text("only_keys").array(),
    /** The due time a scheduled run was started for (at most one run per sync and due time). */
    scheduledFor: timestamp("scheduled_for", { withTimezone: true }),
    queuedAt: timestamp("queued_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /** When a user asked to cancel the run: no batch starts after it, and the run ends cancelled with what it delivered. */
    cancelRequestedAt: timestamp("cancel_requested_at", { withTimezone: true }),
    /**
     * What the run's plan saw: every entity change before this time (see takeWatermark), under the sync's
     * settings of this fingerprint, whole (`fullPlan`) or from the watermark of the run before. Null for a plan
     * of some records only. Trusted by the next plan once the run succeeded or ended partial.
     */
    watermark: timestamp("watermark", { withTimezone: true }),
    planFingerprint: text("plan_fingerprint"),
    fullPlan: boolean("full_plan").notNull().default(false),
  },
  (t) => [
    index("sync_runs_sync_idx").on(t.syncId, t.queuedAt),
    uniqueIndex("sync_runs_one_running_idx").on(t.syncId).where(sql`status = 'running'`),
    uniqueIndex("sync_runs_scheduled_idx").on(t.syncId, t.scheduledFor),
  ],
);

export type SyncRun = typeof syncRuns.$inferSelect;

/** The status users see: a running run someone cancelled shows "cancelling" until it stops before its next batch. */
export const shownRunStatus = (r: Pick<SyncRun, "status" | "cancelRequestedAt">) => (r.status === "running" && r.cancelRequestedAt ? ("cancelling" as const) : r.status);

export const syncRunSteps = pgTable(
  "sync_run_steps",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: workspaceId(),
    runId: uuid("run_id")
      .notNull()
      .references(() => syncRuns.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    status: text("status", { enum: stepStatuses }).notNull(),
    attempt: integer("attempt").notNull().default(0),
    error: text("error"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("sync_run_steps_run_idx").on(t.runId, t.startedAt)],
);

export const syncRecords = pgTable(
  "sync_records",
  {
    workspaceId: plainWorkspaceId(),
    syncId: uuid("sync_id").notNull(),
    recordKey: text("record_key").notNull(),
    hash: text("hash"),
    destinationId: text("destination_id"),
    identifiers: jsonb("identifiers").$type<Record<string, unknown>>(),
    status: text("status", { enum: ["synced", "failed"] }).notNull(),
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.syncId, t.recordKey] }), index("sync_records_unsettled_idx").on(t.syncId).where(sql`status = 'failed' OR hash IS NULL`)],
);

export const syncRunItems = pgTable(
  "sync_run_items",
  {
    workspaceId: plainWorkspaceId(),
    runId: uuid("run_id").notNull(),
    recordKey: text("record_key").notNull(),
    operation: text("operation", { enum: ["create", "update", "delete", "reject"] }).notNull(),
    batch: integer("batch").notNull(),
    hash: text("hash"),
    /** The dataset values the mapping reads, as planned: a resumed run sends exactly the same payloads. */
    row: jsonb("row").$type<Record<string, unknown>>(),
    status: text("status", { enum: itemStatuses }).notNull().default("pending"),
    /** What the destination did (create/update/delete) and what it calls the record. */
    resultOp: text("result_op"),
    destinationId: text("destination_id"),
    identifiers: jsonb("identifiers").$type<Record<string, unknown>>(),
    attempts: integer("attempts").notNull().default(0),
    errorKind: text("error_kind", { enum: errorKinds }),
    message: text("message"),
    /** A record that went through with something left out (an invalid identifier not sent): shown in the record log. */
    warning: text("warning"),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.recordKey] }), index("sync_run_items_batch_idx").on(t.runId, t.batch)],
);

export const syncRecordLogs = pgTable(
  "sync_record_logs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    workspaceId: plainWorkspaceId(),
    runId: uuid("run_id").notNull(),
    syncId: uuid("sync_id").notNull(),
    recordKey: text("record_key").notNull(),
    operation: text("operation").notNull(),
    attempt: integer("attempt").notNull().default(1),
    status: text("status", { enum: ["ok", "failed"] }).notNull(),
    errorKind: text("error_kind", { enum: errorKinds }),
    message: text("message"),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sync_record_logs_run_idx").on(t.runId, t.status), index("sync_record_logs_created_idx").on(t.createdAt)],
);
