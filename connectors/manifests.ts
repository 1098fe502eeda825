/** The connectors' manifests and config schemas, client-safe (the builder and the connection form use them). */
import type { z } from "zod";
import { httpApiSecretsSchema, httpApiSettingsSchema } from "./http-api/config";
import { httpApiManifest } from "./http-api/manifest";
import { mysqlSecretsSchema, mysqlSettingsSchema } from "./mysql/config";
import { mysqlManifest } from "./mysql/manifest";
import { postgresSecretsSchema, postgresSettingsSchema } from "./postgres/config";
import { postgresManifest } from "./postgres/manifest";
import type { ConnectorManifest } from "./types";

export type ConnectorConfig = { manifest: ConnectorManifest; settingsSchema: z.ZodType; secretsSchema: z.ZodType };

export const connectorConfigs: Record<string, ConnectorConfig> = {
  postgres: { manifest: postgresManifest, settingsSchema: postgresSettingsSchema, secretsSchema: postgresSecretsSchema },
  mysql: { manifest: mysqlManifest, settingsSchema: mysqlSettingsSchema, secretsSchema: mysqlSecretsSchema },
  "http-api": { manifest: httpApiManifest, settingsSchema: httpApiSettingsSchema, secretsSchema: httpApiSecretsSchema },
};

export const manifests: Record<string, ConnectorManifest> = Object.fromEntries(Object.entries(connectorConfigs).map(([id, c]) => [id, c.manifest]));
