import { z } from "zod";
import { databaseSecretsSchema, databaseSettingsSchema } from "../shared/database-config";

/** Where tables are looked for when the connection names no schema. */
export const defaultPostgresSchema = "public";

export const postgresSettingsSchema = databaseSettingsSchema({ port: 5432 }).extend({ schema: z.string().trim().max(128).default(defaultPostgresSchema).optional() });
export const postgresSecretsSchema = databaseSecretsSchema;
