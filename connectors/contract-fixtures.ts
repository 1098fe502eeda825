/** Every connector's fixture for the connector contract suite (connectors/contract*.test.ts), by display name. */
import type { ContractFixture } from "@/test/connector-contract";
import { brevoContract } from "./brevo/contract";
import { ftpContract } from "./ftp/contract";
import { googleAudiencesContract } from "./google-audiences/contract";
import { httpApiContract } from "./http-api/contract";
import { hubspotContract } from "./hubspot/contract";
import { metaAudiencesContract } from "./meta-audiences/contract";
import { mysqlContract } from "./mysql/contract";
import { postgresContract } from "./postgres/contract";
import { salesforceContract } from "./salesforce/contract";
import { sftpContract } from "./sftp/contract";
import { splioContract } from "./splio/contract";
import { zendeskContract } from "./zendesk/contract";

export const contractFixtures: Record<string, ContractFixture> = {
  HubSpot: hubspotContract,
  Zendesk: zendeskContract,
  Brevo: brevoContract,
  Splio: splioContract,
  Salesforce: salesforceContract,
  "HTTP API": httpApiContract,
  "Meta audiences": metaAudiencesContract,
  "Google audiences": googleAudiencesContract,
  PostgreSQL: postgresContract,
  MySQL: mysqlContract,
  SFTP: sftpContract,
  FTP: ftpContract,
};

/** The fixtures whose test server can run here (one that cannot has said why; in CI it has thrown). */
export async function runnableFixtures() {
  const names = Object.keys(contractFixtures);
  const available = await Promise.all(names.map((name) => contractFixtures[name]!.available?.() ?? true));
  return names.filter((_, i) => available[i]);
}
