/** The local executor's own state, in the app database: functions, events, runs, memoized steps, its work queue. */
import { bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

const at = (name: string) => timestamp(name, { withTimezone: true });

export const inngestFunctions = pgTable("inngest_functions", {
  id: text("id").primaryKey(),
  appId: text("app_id").notNull(),
  url: text("url").notNull(),
  config: jsonb("config").$type<FunctionConfig>().notNull(),
  updatedAt: at("updated_at").notNull().defaultNow(),
});

export const inngestEvents = pgTable(
  "inngest_events",
  {
    internalId: text("internal_id").primaryKey(),
    id: text("id"),
    name: text("name").notNull(),
    payload: jsonb("payload").$type<EventPayload>().notNull(),
    receivedAt: at("received_at").notNull().defaultNow(),
  },
  (t) => [index("inngest_events_id_idx").on(t.id, t.receivedAt)],
);

export const inngestRuns = pgTable(
  "inngest_runs",
  {
    id: text("id").primaryKey(),
    functionId: text("function_id").notNull(),
    event: jsonb("event").$type<EventPayload>().notNull(),
    status: text("status", { enum: ["queued", "running", "completed", "failed", "cancelled"] }).notNull(),
    output: jsonb("output"),
    error: jsonb("error").$type<SerializedError>(),
    /** Keys this run counts against: concurrency, throttle, rate limit, singleton, idempotency, debounce. */
    keys: jsonb("keys").$type<RunKeys>().notNull().default({}),
    maxAttempts: integer("max_attempts").notNull(),
    /** Once parallel steps were planned, the SDK must not run steps inline any more. */
    parallel: integer("parallel").notNull().default(0),
    stateBytes: integer("state_bytes").notNull().default(0),
    parentRunId: text("parent_run_id"),
    parentStepId: text("parent_step_id"),
    createdAt: at("created_at").notNull().defaultNow(),
    startedAt: at("started_at"),
    endedAt: at("ended_at"),
  },
  (t) => [index("inngest_runs_function_idx").on(t.functionId, t.status), index("inngest_runs_parent_idx").on(t.parentRunId)],
);

export const inngestSteps = pgTable(
  "inngest_steps",
  {
    runId: text("run_id")
      .notNull()
      .references(() => inngestRuns.id, { onDelete: "cascade" }),
    id: text("id").notNull(),
    name: text("name").notNull(),
    op: text("op").notNull(),
    status: text("status", { enum: ["planned", "sleeping", "waiting", "invoking", "completed", "failed"] }).notNull(),
    /** Completion order, sent back to the SDK as `ctx.stack`. */
    seq: integer("seq"),
    result: jsonb("result").$type<StepMemo>(),
    bytes: integer("bytes").notNull().default(0),
    /** For waitForEvent: the event name, its `if` expression and the run's trigger event for `event.*`. */
    waitEvent: text("wait_event"),
    waitIf: text("wait_if"),
    childRunId: text("child_run_id"),
    startedAt: at("started_at").notNull().defaultNow(),
    endedAt: at("ended_at"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.id] }), index("inngest_steps_wait_idx").on(t.waitEvent, t.status)],
);

/** One row per call to the app and per resolution, for the run history (attempts, timings, errors). */
export const inngestHistory = pgTable(
  "inngest_history",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: text("run_id")
      .notNull()
      .references(() => inngestRuns.id, { onDelete: "cascade" }),
    stepId: text("step_id"),
    stepName: text("step_name"),
    attempt: integer("attempt").notNull().default(0),
    outcome: text("outcome").notNull(),
    error: jsonb("error").$type<SerializedError>(),
    startedAt: at("started_at").notNull(),
    endedAt: at("ended_at").notNull(),
  },
  (t) => [index("inngest_history_run_idx").on(t.runId, t.id)],
);

/** Due work: calls to the app, wake-ups of sleeps and waits. A leased row is being worked on. */
export const inngestQueue = pgTable(
  "inngest_queue",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: text("run_id")
      .notNull()
      .references(() => inngestRuns.id, { onDelete: "cascade" }),
    functionId: text("function_id").notNull(),
    kind: text("kind", { enum: ["call", "wake", "timeout"] }).notNull(),
    stepId: text("step_id").notNull(),
    attempt: integer("attempt").notNull().default(0),
    concurrency: jsonb("concurrency").$type<ConcurrencySlot[]>().notNull().default([]),
    dueAt: at("due_at").notNull().defaultNow(),
    leaseOwner: text("lease_owner"),
    leaseUntil: at("lease_until"),
  },
  (t) => [index("inngest_queue_due_idx").on(t.dueAt), index("inngest_queue_run_idx").on(t.runId)],
);

export const inngestCronTicks = pgTable(
  "inngest_cron_ticks",
  {
    functionId: text("function_id").notNull(),
    fireAt: at("fire_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.functionId, t.fireAt] })],
);

export type EventPayload = { name: string; data: Record<string, unknown>; id?: string; ts: number; user?: unknown; v?: string };
export type SerializedError = { name?: string; message: string; stack?: string; [key: string]: unknown };
export type StepMemo = { data: unknown } | { error: SerializedError };
export type ConcurrencySlot = { key: string; limit: number };
export type RunKeys = { concurrency?: ConcurrencySlot[]; singleton?: string; debounce?: string; throttle?: string; rateLimit?: string; idempotency?: string };

export type Trigger = { event?: string; expression?: string; cron?: string };
export type FunctionConfig = {
  id: string;
  name?: string;
  triggers: Trigger[];
  steps: Record<string, { runtime: { url: string }; retries?: { attempts: number } }>;
  concurrency?: number | ConcurrencyOption | ConcurrencyOption[];
  debounce?: { key?: string; period: string; timeout?: string };
  throttle?: { key?: string; limit: number; period: string; burst?: number };
  rateLimit?: { key?: string; limit: number; period: string };
  idempotency?: string;
  singleton?: { key?: string; mode: "skip" | "cancel" };
  cancel?: { event: string; if?: string; timeout?: string }[];
  batchEvents?: unknown;
  priority?: unknown;
  timeouts?: unknown;
};
export type ConcurrencyOption = { limit: number; key?: string; scope?: "fn" | "env" | "account" };
