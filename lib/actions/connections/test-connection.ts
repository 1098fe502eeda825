"use server";
import { z } from "zod";
import { secretsFor } from "@/lib/connections/endpoint-secrets";
import { connectorOf, loadConnection } from "@/lib/connections/load";
import { connectorContext } from "@/lib/http/context";
import { parseWith, PublicError } from "@/lib/errors";
import { workspaceAction } from "../workspace-action";

/** "Test connection": the configuration on screen, with the stored secrets when none were typed and it still points where they were entered for. */
export const testConnection = workspaceAction(
  "manageConnections",
  z.object({ id: z.uuid().optional(), connector: z.string(), settings: z.record(z.string(), z.unknown()), secrets: z.record(z.string(), z.unknown()).optional() }),
  async ({ id, connector: connectorId, settings, secrets }, ctx) => {
    const connector = connectorOf(connectorId);
    const parsed = parseWith(connector.settingsSchema, settings, "The settings do not fit") as Record<string, unknown>;
    const existing = id ? await loadConnection(ctx.db, { workspaceId: ctx.workspaceId, connectionId: id }) : undefined;
    if (existing && existing.connector !== connector) throw new PublicError("The connection uses another connector");
    const stored = existing?.config ?? { settings: parsed, secrets: {} };
    return connector.test(connectorContext({ settings: parsed, secrets: secretsFor(connector, stored, { settings: parsed, secrets }).secrets }, { permit: existing?.permit }));
  },
);
