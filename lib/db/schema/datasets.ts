import { boolean, jsonb, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import type { DatasetColumn, DatasetDefinition } from "@/lib/datasets/definition";
import { workspaceId } from "./workspaces";

export const datasets = pgTable(
  "datasets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: workspaceId(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    definition: jsonb("definition").$type<DatasetDefinition>().notNull(),
    columns: jsonb("columns").$type<DatasetColumn[]>().notNull(),
    primaryKey: text("primary_key").notNull().default("id"),
    builtIn: boolean("built_in").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("datasets_workspace_name_key").on(t.workspaceId, t.name)],
);

export type Dataset = typeof datasets.$inferSelect;

export const segments = pgTable(
  "segments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: workspaceId(),
    datasetId: uuid("dataset_id")
      .notNull()
      .references(() => datasets.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    filter: jsonb("filter").$type<unknown>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("segments_dataset_name_key").on(t.datasetId, t.name)],
);

export type Segment = typeof segments.$inferSelect;
