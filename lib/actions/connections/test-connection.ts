"use server";
import { z } from "zod";
import { getConnector } from "@/connectors/registry";
import { loadConnection } from "@/lib/db/queries/connections";
import { parseWith, PublicError } from "@/lib/errors";
import { workspaceAction } from "../workspace-action";

/** "Test connection": the configuration on screen, with the stored secrets when none were typed. */
export const testConnection = workspaceAction(
  "manageConnections",
  z.object({ id: z.uuid().optional(), connector: z.string(), settings: z.record(z.string(), z.unknown()), secrets: z.record(z.string(), z.unknown()).optional() }),
  async ({ id, connector: connectorId, settings, secrets }, ctx) => {
    const connector = getConnector(connectorId);
    if (!connector) throw new PublicError(`Unknown connector "${connectorId}"`);
    const stored = id ? (await loadConnection(ctx.db, { workspaceId: ctx.workspaceId, connectionId: id })).config.secrets : {};
    const config = {
      settings: parseWith(connector.settingsSchema, settings, "The settings do not fit") as Record<string, unknown>,
      secrets: parseWith(connector.secretsSchema, secrets && Object.keys(secrets).length ? secrets : stored, "The secrets do not fit") as Record<string, unknown>,
    };
    return connector.test(config);
  },
);
