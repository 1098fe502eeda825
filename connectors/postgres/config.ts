import { databaseSecretsSchema, databaseSettingsSchema } from "../shared/database-config";

export const postgresSettingsSchema = databaseSettingsSchema({ port: 5432 });
export const postgresSecretsSchema = databaseSecretsSchema;
