/** The connectors' manifests and config schemas, client-safe (the builder and the connection form use them). */
import type { z } from "zod";
import { brevoSecretsSchema, brevoSettingsSchema } from "./brevo/config";
import { brevoManifest } from "./brevo/manifest";
import { ftpSecretsSchema, ftpSettingsSchema } from "./ftp/config";
import { ftpManifest } from "./ftp/manifest";
import { httpApiSecretsSchema, httpApiSettingsSchema } from "./http-api/config";
import { httpApiManifest } from "./http-api/manifest";
import { metaAudiencesSecretsSchema, metaAudiencesSettingsSchema } from "./meta-audiences/config";
import { metaAudiencesManifest } from "./meta-audiences/manifest";
import { mysqlSecretsSchema, mysqlSettingsSchema } from "./mysql/config";
import { mysqlManifest } from "./mysql/manifest";
import { postgresSecretsSchema, postgresSettingsSchema } from "./postgres/config";
import { postgresManifest } from "./postgres/manifest";
import { salesforceSecretsSchema, salesforceSettingsSchema } from "./salesforce/config";
import { salesforceManifest } from "./salesforce/manifest";
import { sftpSecretsSchema, sftpSettingsSchema } from "./sftp/config";
import { sftpManifest } from "./sftp/manifest";
import { splioSecretsSchema, splioSettingsSchema } from "./splio/config";
import { splioManifest } from "./splio/manifest";
import type { ConnectorManifest } from "./types";

export type ConnectorConfig = { manifest: ConnectorManifest; settingsSchema: z.ZodType; secretsSchema: z.ZodType };

export const connectorConfigs: Record<string, ConnectorConfig> = {
  "meta-audiences": { manifest: metaAudiencesManifest, settingsSchema: metaAudiencesSettingsSchema, secretsSchema: metaAudiencesSecretsSchema },
  postgres: { manifest: postgresManifest, settingsSchema: postgresSettingsSchema, secretsSchema: postgresSecretsSchema },
  mysql: { manifest: mysqlManifest, settingsSchema: mysqlSettingsSchema, secretsSchema: mysqlSecretsSchema },
  "http-api": { manifest: httpApiManifest, settingsSchema: httpApiSettingsSchema, secretsSchema: httpApiSecretsSchema },
  sftp: { manifest: sftpManifest, settingsSchema: sftpSettingsSchema, secretsSchema: sftpSecretsSchema },
  ftp: { manifest: ftpManifest, settingsSchema: ftpSettingsSchema, secretsSchema: ftpSecretsSchema },
  salesforce: { manifest: salesforceManifest, settingsSchema: salesforceSettingsSchema, secretsSchema: salesforceSecretsSchema },
  brevo: { manifest: brevoManifest, settingsSchema: brevoSettingsSchema, secretsSchema: brevoSecretsSchema },
  splio: { manifest: splioManifest, settingsSchema: splioSettingsSchema, secretsSchema: splioSecretsSchema },
};

export const manifests: Record<string, ConnectorManifest> = Object.fromEntries(Object.entries(connectorConfigs).map(([id, c]) => [id, c.manifest]));
