import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { onLeaveChoices, runModes } from "@/lib/vocabulary";
import { datasets } from "./datasets";
import { workspaceId } from "./workspaces";

export const connections = pgTable("connections", {
  id: uuid("id").primaryKey().defaultRandom(),
  workspaceId: workspaceId(),
  connector: text("connector").notNull(),
  name: text("name").notNull(),
  settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
  /** AES-256-GCM ciphertext of the secrets object; never sent to a browser. */
  secrets: text("secrets"),
  rateWindowSeconds: integer("rate_window_seconds"),
  rateMaxRequests: integer("rate_max_requests"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Connection = typeof connections.$inferSelect;

export const syncs = pgTable("syncs", {
  id: uuid("id").primaryKey().defaultRandom(),
  workspaceId: workspaceId(),
  name: text("name").notNull(),
  datasetId: uuid("dataset_id")
    .notNull()
    .references(() => datasets.id, { onDelete: "restrict" }),
  filter: jsonb("filter").$type<unknown>(),
  connectionId: uuid("connection_id")
    .notNull()
    .references(() => connections.id, { onDelete: "restrict" }),
  object: text("object").notNull(),
  mapping: jsonb("mapping").$type<unknown>().notNull(),
  matchKey: jsonb("match_key").$type<unknown>().notNull(),
  mode: text("mode", { enum: runModes }).notNull().default("incremental"),
  replaceStrategy: text("replace_strategy"),
  onLeave: text("on_leave", { enum: onLeaveChoices }).notNull().default("nothing"),
  schedule: jsonb("schedule").$type<unknown>().notNull(),
  enabled: boolean("enabled").notNull().default(true),
  alerts: jsonb("alerts").$type<unknown>(),
  /** Only contacts with this consent granted are sent; those who lose it are removed (see ConsentRule). */
  consent: jsonb("consent").$type<unknown>(),
  /** The deletion guard (see DeletionLimit); null: off. */
  deletionLimit: jsonb("deletion_limit").$type<unknown>().default({ percent: 20, count: 1_000 }),
  /**
   * How the keys of the sync's state are compared (the destination's KeyComparison they were rewritten to);
   * null: as the dataset wrote them (state from before keys were compared as the destination does).
   */
  stateKeyComparison: text("state_key_comparison", { enum: ["exact", "trimmed", "case_insensitive"] }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Sync = typeof syncs.$inferSelect;

/**
 * One row per request sent through a connection with a rate budget: the sliding window's log. `at` is when the
 * request's answer came (the window counts from then); while it is in flight, the latest it can come.
 */
export const rateBudgetEvents = pgTable(
  "rate_budget_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    connectionId: uuid("connection_id").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("rate_budget_events_idx").on(t.connectionId, t.at)],
);
