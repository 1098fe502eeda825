import "server-only";
import { brevo } from "./brevo";
import { ftp } from "./ftp";
import { googleAudiences } from "./google-audiences";
import { hubspot } from "./hubspot";
import { httpApi } from "./http-api";
import { type ConnectorId, type SecretsOf, type SettingsOf } from "./manifests";
import { metaAudiences } from "./meta-audiences";
import { mysql } from "./mysql";
import { postgres } from "./postgres";
import { salesforce } from "./salesforce";
import { sftp } from "./sftp";
import { splio } from "./splio";
import type { Connector, DeliveryState } from "./types";
import { zendesk } from "./zendesk";

export { connectorIds } from "./manifests";

/**
 * The server side of every connector in the catalog (connectors/manifests.ts): a connector missing here, or one
 * whose settings and secrets are not its catalog schemas', fails to compile. Each keeps its own delivery state.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each connector's state type is its own
const registry: { [Id in ConnectorId]: Connector<SettingsOf<Id>, SecretsOf<Id>, any> } = {
  postgres,
  mysql,
  "http-api": httpApi,
  sftp,
  ftp,
  salesforce,
  hubspot,
  brevo,
  zendesk,
  splio,
  "meta-audiences": metaAudiences,
  "google-audiences": googleAudiences,
};

const isConnectorId = (id: string): id is ConnectorId => Object.hasOwn(registry, id);

/** The connector of an id (a stored connection's, a request's), as the engine sees any connector. */
export function getConnector(id: string): Connector<Record<string, unknown>, Record<string, unknown>, DeliveryState> | undefined {
  return isConnectorId(id) ? registry[id] : undefined;
}
