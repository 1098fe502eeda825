/** Settings and secrets of a database destination (Postgres, MySQL). Client-safe. */
import { z } from "zod";

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

export const databaseManifestBase = {
  category: "database" as const,
  objectNoun: "table",
  idempotentWrites: true,
  results: "record" as const,
  modes: ["incremental", "full", "replace"] as ("incremental" | "full" | "replace")[],
  onLeaveDelete: true,
  replaceStrategies: ["sole_admin", "shared_table"] as ("sole_admin" | "shared_table")[],
  endpointSettings: ["host", "port", "database", "user"],
};

/** Shared-table replace empties the mapped columns of rows that left, so each must accept NULL. */
export function sharedTableProblem(fields: { name: string; nullable: boolean; key?: string }[], mapped: string[], key: string): string | undefined {
  const blocked = fields.filter((f) => mapped.includes(f.name) && f.name !== key && !f.nullable).map((f) => f.name);
  if (blocked.length === 0) return undefined;
  return `The shared-table strategy empties the mapped columns of rows that left the dataset, but ${blocked.map((b) => `"${b}"`).join(", ")} cannot be NULL: use the sole-admin strategy or make ${blocked.length > 1 ? "them" : "it"} nullable`;
}
