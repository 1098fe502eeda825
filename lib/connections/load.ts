import "server-only";
import { getConnector } from "@/connectors/registry";
import type { ConnectionConfig, Connector } from "@/connectors/types";
import { decryptJson } from "@/lib/crypto";
import type { Db } from "@/lib/db/client";
import { rateLimitOf, requireConnectionRow } from "@/lib/db/queries/connections";
import type { Permit } from "@/lib/http/client";
import { acquirePermit } from "@/lib/sync/rate-budget";
import { PublicError } from "@/lib/errors";

export function connectorOf(id: string): Connector {
  const connector = getConnector(id);
  if (!connector) throw new PublicError(`Unknown connector "${id}"`);
  return connector;
}

/**
 * The connection with its connector, decrypted configuration and the permit of its rate budget, for server code
 * that talks to the destination: every request to a connection, a run's or a check's, counts in its budget.
 */
export async function loadConnection(db: Db, p: { workspaceId: string; connectionId: string }) {
  const row = await requireConnectionRow(db, p);
  const connector = connectorOf(row.connector);
  const config: ConnectionConfig = { settings: row.settings, secrets: row.secrets ? decryptJson<Record<string, unknown>>(row.secrets) : {} };
  const budget = rateLimitOf(row);
  const permit: Permit | undefined = budget ? (holdMs) => acquirePermit(db, row.id, budget, holdMs) : undefined;
  return { row, connector, config, permit };
}
