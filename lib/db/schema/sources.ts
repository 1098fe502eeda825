import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { entityNames } from "@/lib/entities/catalog";
import { importMissingChoices, importRejectKinds, runStatuses, runTriggers, stepStatuses } from "@/lib/vocabulary";
import { connections } from "./syncs";
import { workspaceId } from "./workspaces";

/** A database connection an admin marked usable as a source: imports read through its own (encrypted) credentials. */
export const sources = pgTable(
  "sources",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: workspaceId(),
    connectionId: uuid("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "restrict" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("sources_connection_idx").on(t.connectionId)],
);

export type Source = typeof sources.$inferSelect;

/** What an import reads, how it maps and finds changes (see lib/sources/schema.ts for the shapes of the JSON columns). */
export const imports = pgTable("imports", {
  id: uuid("id").primaryKey().defaultRandom(),
  workspaceId: workspaceId(),
  name: text("name").notNull(),
  sourceId: uuid("source_id")
    .notNull()
    .references(() => sources.id, { onDelete: "restrict" }),
  read: jsonb("read").$type<unknown>().notNull(),
  entity: text("entity", { enum: entityNames }).notNull(),
  mapping: jsonb("mapping").$type<unknown>().notNull(),
  keyColumn: text("key_column").notNull(),
  changes: jsonb("changes").$type<unknown>().notNull(),
  onMissing: text("on_missing", { enum: importMissingChoices }).notNull().default("nothing"),
  schedule: jsonb("schedule").$type<unknown>().notNull(),
  enabled: boolean("enabled").notNull().default(true),
  alerts: jsonb("alerts").$type<unknown>(),
  /** Where the last completed read of a cursor import stopped: the next run reads what comes after it. */
  cursor: jsonb("cursor").$type<unknown>(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Import = typeof imports.$inferSelect;

export const importRuns = pgTable(
  "import_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: workspaceId(),
    importId: uuid("import_id")
      .notNull()
      .references(() => imports.id, { onDelete: "cascade" }),
    trigger: text("trigger", { enum: runTriggers }).notNull(),
    status: text("status", { enum: runStatuses }).notNull().default("queued"),
    read: integer("read").notNull().default(0),
    created: integer("created").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    unchanged: integer("unchanged").notNull().default(0),
    deleted: integer("deleted").notNull().default(0),
    rejected: integer("rejected").notNull().default(0),
    pages: integer("pages").notNull().default(0),
    error: text("error"),
    /** Where reading stands, committed with each page (see ImportProgress): a resumed step reads on from there. */
    progress: jsonb("progress").$type<unknown>(),
    runtimeRunId: text("runtime_run_id"),
    scheduledFor: timestamp("scheduled_for", { withTimezone: true }),
    queuedAt: timestamp("queued_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    cancelRequestedAt: timestamp("cancel_requested_at", { withTimezone: true }),
  },
  (t) => [
    index("import_runs_import_idx").on(t.importId, t.queuedAt),
    uniqueIndex("import_runs_one_running_idx").on(t.importId).where(sql`status = 'running'`),
    uniqueIndex("import_runs_scheduled_idx").on(t.importId, t.scheduledFor),
  ],
);

export type ImportRun = typeof importRuns.$inferSelect;

export const importRunSteps = pgTable(
  "import_run_steps",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: workspaceId(),
    runId: uuid("run_id")
      .notNull()
      .references(() => importRuns.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    status: text("status", { enum: stepStatuses }).notNull(),
    attempt: integer("attempt").notNull().default(0),
    error: text("error"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("import_run_steps_run_idx").on(t.runId, t.startedAt)],
);

/**
 * The ledger of an import that acts on disappeared rows: each key it wrote, with the last run that saw it (keys no run
 * of a complete read saw have disappeared from the source). Other imports keep none. No foreign keys (cost).
 */
export const importRecords = pgTable(
  "import_records",
  {
    workspaceId: uuid("workspace_id").notNull(),
    importId: uuid("import_id").notNull(),
    recordKey: text("record_key").notNull(),
    seenRunId: uuid("seen_run_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.recordKey] })],
);

/** The record log of an import run: one row per rejected source row, with why. */
export const importRejects = pgTable(
  "import_rejects",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    importId: uuid("import_id").notNull(),
    runId: uuid("run_id").notNull(),
    recordKey: text("record_key"),
    kind: text("kind", { enum: importRejectKinds }).notNull(),
    message: text("message").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("import_rejects_run_idx").on(t.runId, t.id)],
);

/**
 * The files an import has taken, by name + size + sha256 (taken while streaming): a file is imported once, and again
 * only when it changed. Written in the transaction of the file's last page (or when the file is refused whole).
 */
export const importFiles = pgTable(
  "import_files",
  {
    workspaceId: workspaceId(),
    importId: uuid("import_id")
      .notNull()
      .references(() => imports.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    sha256: text("sha256").notNull(),
    status: text("status", { enum: ["imported", "refused"] }).notNull(),
    runId: uuid("run_id").notNull(),
    lines: integer("lines").notNull(),
    takenAt: timestamp("taken_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.name, t.size, t.sha256] })],
);
