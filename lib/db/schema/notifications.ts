import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import type { Notice } from "@/lib/notify/message";
import { syncs } from "./syncs";
import { workspaceId } from "./workspaces";

/** Where alerts go: an email list, a Slack incoming webhook or a signed HTTP webhook. */
export const notificationChannels = pgTable(
  "notification_channels",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: workspaceId(),
    kind: text("kind", { enum: ["email", "slack", "webhook"] }).notNull(),
    name: text("name").notNull(),
    /** What may be shown: recipients, the webhook's URL. */
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    /** AES-256-GCM ciphertext: the Slack webhook URL (it is the credential), the webhook's signing secret. */
    secrets: text("secrets"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("notification_channels_name_unique").on(t.workspaceId, t.name)],
);

export type NotificationChannel = typeof notificationChannels.$inferSelect;

export type DeliveryAttempt = { at: string; ok: boolean; status?: number; error?: string };

/** One notification to one channel, with every attempt to deliver it. */
export const notificationDeliveries = pgTable(
  "notification_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: workspaceId(),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => notificationChannels.id, { onDelete: "cascade" }),
    syncId: uuid("sync_id"),
    runId: uuid("run_id"),
    event: text("event", { enum: ["alert", "recovery", "test"] }).notNull(),
    rule: text("rule", { enum: ["failure", "rejected", "stale", "deletions"] }),
    /** The rule state's change number this notice announces (none for tests). */
    change: integer("change"),
    subject: text("subject").notNull(),
    /** The notice as built when the rule changed state (what every attempt sends). */
    notice: jsonb("notice").$type<Notice>().notNull(),
    status: text("status", { enum: ["pending", "sent", "failed"] }).notNull().default("pending"),
    attempts: jsonb("attempts").$type<DeliveryAttempt[]>().notNull().default([]),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    index("notification_deliveries_workspace_idx").on(t.workspaceId, t.createdAt),
    index("notification_deliveries_run_idx").on(t.runId),
    // A rule's change of state is announced once per channel, even if the step that records it runs twice.
    unique("notification_deliveries_once").on(t.channelId, t.syncId, t.rule, t.change),
  ],
);

export type NotificationDelivery = typeof notificationDeliveries.$inferSelect;

/** Each alert rule's state per sync: notices go out when it changes (first violation, recovery), not on every run. */
export const syncAlertStates = pgTable(
  "sync_alert_states",
  {
    syncId: uuid("sync_id")
      .notNull()
      .references(() => syncs.id, { onDelete: "cascade" }),
    rule: text("rule", { enum: ["failure", "rejected", "stale", "deletions"] }).notNull(),
    status: text("status", { enum: ["ok", "alerting"] }).notNull(),
    since: timestamp("since", { withTimezone: true }).notNull().defaultNow(),
    runId: uuid("run_id"),
    /** Counts the changes of state: each change is announced once (see notification_deliveries_once). */
    changes: integer("changes").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.syncId, t.rule] })],
);
