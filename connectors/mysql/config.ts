import { z } from "zod";
import { databaseSecretsSchema, databaseSettingsSchema } from "../shared/database-config";

// A MySQL database is its own schema: the setting is not asked for, and kept only so connections saved with one still read.
export const mysqlSettingsSchema = databaseSettingsSchema({ port: 3306 }).extend({ schema: z.string().trim().max(128).optional().meta({ hidden: true }) });
export const mysqlSecretsSchema = databaseSecretsSchema;
