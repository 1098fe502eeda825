/** Settings and secrets of a database destination (Postgres, MySQL). Client-safe. */
import { z } from "zod";
import { replaceStrategies, runModes } from "@/lib/vocabulary";
import type { Sharing, SharingChoices } from "../types";

export const databaseSettingsSchema = (defaults: { port: number }) =>
  z.strictObject({
    host: z.string().trim().min(1, "Enter the host").max(255),
    port: z.coerce.number().int().min(1).max(65_535).default(defaults.port),
    database: z.string().trim().min(1, "Enter the database name").max(128),
    user: z.string().trim().min(1, "Enter the user").max(128),
    schema: z.string().trim().max(128).optional(),
    ssl: z.boolean().default(false),
  });

export const databaseSecretsSchema = z.strictObject({ password: z.string().max(1_024).optional() });

export type DatabaseSettings = z.output<ReturnType<typeof databaseSettingsSchema>>;
export type DatabaseSecrets = z.output<typeof databaseSecretsSchema>;

/** Where and as whom a database connection connects, as both drivers (pg, mysql2) take it; TLS verifies the server. */
export const databaseEndpoint = ({ settings, secrets }: { settings: DatabaseSettings; secrets: DatabaseSecrets }) => ({
  host: settings.host,
  port: settings.port,
  database: settings.database,
  user: settings.user,
  password: secrets.password,
  ssl: settings.ssl ? { rejectUnauthorized: true } : undefined,
});

export const databaseManifestBase = {
  category: "database" as const,
  objectNoun: "table",
  idempotentWrites: true,
  results: "record" as const,
  modes: [...runModes],
  replace: "whole" as const,
  onLeaveDelete: true,
  replaceStrategies: [...replaceStrategies],
  endpointSettings: ["host", "port", "database", "user"],
};

/** Shared-table replace empties the mapped columns of rows that left, so each must accept NULL. */
export function sharedTableProblem(fields: { name: string; nullable: boolean; key?: string }[], mapped: string[], key: string): string | undefined {
  const blocked = fields.filter((f) => mapped.includes(f.name) && f.name !== key && !f.nullable).map((f) => f.name);
  if (blocked.length === 0) return undefined;
  return `The shared-table strategy empties the mapped columns of rows that left the dataset, but ${blocked.map((b) => `"${b}"`).join(", ")} cannot be NULL: use the sole-admin strategy or make ${blocked.length > 1 ? "them" : "it"} nullable`;
}

/**
 * A table is one place per server, database and schema. A sole-admin replace (the default of a replace run)
 * deletes every row its dataset lacks, so it needs the table to itself; a shared-table replace empties its
 * mapped columns in those rows, so it needs only them.
 */
export function tableSharing(settings: DatabaseSettings, schema: string, sync: SharingChoices): Sharing {
  const place = `${settings.host}:${settings.port}/${settings.database}/${schema}.${sync.object}`;
  if (sync.mode !== "replace") return { place };
  if (sync.replaceStrategy === "shared_table") {
    const fields = sync.fields.filter((f) => f !== sync.key);
    return { place, claim: { reason: `a shared-table replace empties ${fields.join(", ")} in every row that is not in its dataset`, remedy: "map other columns", fields } };
  }
  return { place, claim: { reason: "a sole-admin replace deletes every row that is not in its dataset, other syncs' rows too", remedy: "use the shared-table strategy" } };
}
