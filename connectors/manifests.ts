/** The connectors' manifests and config schemas, client-safe (the builder and the connection form use them). */
import type { z } from "zod";
import { brevoSecretsSchema, brevoSettingsSchema } from "./brevo/config";
import { brevoManifest } from "./brevo/manifest";
import { ftpSecretsSchema, ftpSettingsSchema } from "./ftp/config";
import { ftpManifest } from "./ftp/manifest";
import { googleAudiencesSecretsSchema, googleAudiencesSettingsSchema } from "./google-audiences/config";
import { googleAudiencesManifest } from "./google-audiences/manifest";
import { hubspotSecretsSchema, hubspotSettingsSchema } from "./hubspot/config";
import { hubspotManifest } from "./hubspot/manifest";
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
import { zendeskSecretsSchema, zendeskSettingsSchema } from "./zendesk/config";
import { zendeskManifest } from "./zendesk/manifest";
import type { ConnectorManifest } from "./types";

/** The client-safe parts of a connector: what the builder and the connection form need. */
export type ConnectorConfig<S = Record<string, unknown>, K = Record<string, unknown>> = { manifest: ConnectorManifest; settingsSchema: z.ZodType<S>; secretsSchema: z.ZodType<K> };

/** Every connector, by id: the one list the server registry (connectors/registry.ts) is typed and checked against. */
export const catalog = {
  postgres: { manifest: postgresManifest, settingsSchema: postgresSettingsSchema, secretsSchema: postgresSecretsSchema },
  mysql: { manifest: mysqlManifest, settingsSchema: mysqlSettingsSchema, secretsSchema: mysqlSecretsSchema },
  "http-api": { manifest: httpApiManifest, settingsSchema: httpApiSettingsSchema, secretsSchema: httpApiSecretsSchema },
  sftp: { manifest: sftpManifest, settingsSchema: sftpSettingsSchema, secretsSchema: sftpSecretsSchema },
  ftp: { manifest: ftpManifest, settingsSchema: ftpSettingsSchema, secretsSchema: ftpSecretsSchema },
  salesforce: { manifest: salesforceManifest, settingsSchema: salesforceSettingsSchema, secretsSchema: salesforceSecretsSchema },
  hubspot: { manifest: hubspotManifest, settingsSchema: hubspotSettingsSchema, secretsSchema: hubspotSecretsSchema },
  brevo: { manifest: brevoManifest, settingsSchema: brevoSettingsSchema, secretsSchema: brevoSecretsSchema },
  zendesk: { manifest: zendeskManifest, settingsSchema: zendeskSettingsSchema, secretsSchema: zendeskSecretsSchema },
  splio: { manifest: splioManifest, settingsSchema: splioSettingsSchema, secretsSchema: splioSecretsSchema },
  "meta-audiences": { manifest: metaAudiencesManifest, settingsSchema: metaAudiencesSettingsSchema, secretsSchema: metaAudiencesSecretsSchema },
  "google-audiences": { manifest: googleAudiencesManifest, settingsSchema: googleAudiencesSettingsSchema, secretsSchema: googleAudiencesSecretsSchema },
} as const;

export type ConnectorId = keyof typeof catalog;
export type SettingsOf<Id extends ConnectorId> = z.output<(typeof catalog)[Id]["settingsSchema"]>;
export type SecretsOf<Id extends ConnectorId> = z.output<(typeof catalog)[Id]["secretsSchema"]>;

const ids = Object.keys(catalog) as ConnectorId[];

/** Every connector's id, for checking a request's. */
export const connectorIds: readonly string[] = ids;

/** The catalog by any id (a URL's, a stored connection's). */
export const connectorConfigs: Record<string, ConnectorConfig> = catalog;

export const manifests: Record<string, ConnectorManifest> = Object.fromEntries(ids.map((id) => [id, catalog[id].manifest]));
