import { databaseSecretsSchema, databaseSettingsSchema } from "../shared/database-config";

export const mysqlSettingsSchema = databaseSettingsSchema({ port: 3306 });
export const mysqlSecretsSchema = databaseSecretsSchema;
