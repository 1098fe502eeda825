import "server-only";
import { brevo } from "./brevo";
import { ftp } from "./ftp";
import { googleAudiences } from "./google-audiences";
import { hubspot } from "./hubspot";
import { httpApi } from "./http-api";
import { metaAudiences } from "./meta-audiences";
import { mysql } from "./mysql";
import { postgres } from "./postgres";
import { salesforce } from "./salesforce";
import { sftp } from "./sftp";
import { splio } from "./splio";
import { zendesk } from "./zendesk";
import type { Connector } from "./types";

/** Every connector, by id. Differences between connectors live in their manifests, never in shared code. */
const registry: Record<string, Connector> = {
  postgres: postgres as unknown as Connector,
  mysql: mysql as unknown as Connector,
  "http-api": httpApi as unknown as Connector,
  sftp: sftp as unknown as Connector,
  ftp: ftp as unknown as Connector,
  salesforce: salesforce as unknown as Connector,
  hubspot: hubspot as unknown as Connector,
  brevo: brevo as unknown as Connector,
  zendesk: zendesk as unknown as Connector,
  splio: splio as unknown as Connector,
  "meta-audiences": metaAudiences as unknown as Connector,
  "google-audiences": googleAudiences as unknown as Connector,
};

export const connectorIds = Object.keys(registry);

export function getConnector(id: string): Connector | undefined {
  return registry[id];
}
