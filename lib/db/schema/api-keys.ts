import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { workspaceId } from "./workspaces";

/** Workspace API keys for the REST API; only a SHA-256 hash of each key is kept. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: workspaceId(),
    name: text("name").notNull(),
    /** The first characters of the key, to recognise it in lists. */
    prefix: text("prefix").notNull(),
    hash: text("hash").notNull().unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("api_keys_workspace_idx").on(t.workspaceId)],
);

export type ApiKey = typeof apiKeys.$inferSelect;
