import "server-only";
import { connectorContext } from "@/lib/http/context";
import type { Connector } from "@/connectors/types";
import { encryptJson } from "@/lib/crypto";
import type { Db } from "@/lib/db/client";
import { insertConnection, type RateLimit, writeConnection } from "@/lib/db/queries/connections";
import { parseWith, PublicError } from "@/lib/errors";
import { assertSavedUrls, urlSettingsOf } from "@/lib/security/saved-urls";
import { secretsFor } from "./endpoint-secrets";
import { connectorOf, loadConnection } from "./load";

export type ConnectionInput = { connector: string; name: string; settings: unknown; secrets?: unknown; rateLimit?: RateLimit };

/** Adds what the connector learns on first contact (a host key) when the settings do not carry it yet. */
async function pinned(connector: Connector, settings: Record<string, unknown>, secrets: Record<string, unknown>) {
  const pin = connector.pin;
  if (!pin || pin.settings.every((key) => settings[key] !== undefined)) return settings;
  try {
    return { ...settings, ...(await pin.read(connectorContext({ settings, secrets }))) };
  } catch (error) {
    throw new PublicError(`Could not reach the server to read its ${pin.settings.join(", ")}: ${(error as Error).message}`);
  }
}

export async function createConnection(db: Db, p: { workspaceId: string } & ConnectionInput) {
  const connector = connectorOf(p.connector);
  const secrets = parseWith(connector.secretsSchema, p.secrets ?? {}, "The secrets do not fit");
  const parsed = parseWith(connector.settingsSchema, p.settings, "The settings do not fit") as Record<string, unknown>;
  await assertSavedUrls(parsed, urlSettingsOf(connector.settingsSchema));
  const settings = await pinned(connector, parsed, secrets);
  // Left out, the connector's suggested budget; null, none (the user cleared it).
  const rate = p.rateLimit === undefined ? connector.manifest.defaultRateLimit : p.rateLimit;
  return insertConnection(db, { workspaceId: p.workspaceId, connector: p.connector, name: p.name, settings, secrets: encryptJson(secrets), rateLimit: rate ?? null });
}

/**
 * Changes a connection. Where it points (the connector's endpoint settings) cannot change without the
 * secrets being entered again (secretsFor), so stored credentials are never sent to another server.
 */
export async function updateConnection(db: Db, p: { workspaceId: string; connectionId: string } & Partial<Omit<ConnectionInput, "connector">>) {
  const { row, connector, config } = await loadConnection(db, p);
  const settings = p.settings === undefined ? row.settings : (parseWith(connector.settingsSchema, { ...row.settings, ...(p.settings as object) }, "The settings do not fit") as Record<string, unknown>);
  const changed = (key: string) => JSON.stringify(settings[key]) !== JSON.stringify(row.settings[key]);
  await assertSavedUrls(settings, urlSettingsOf(connector.settingsSchema).filter(changed));
  const use = secretsFor(connector, config, { settings, secrets: p.secrets as Record<string, unknown> | undefined });
  // A server moved to is met anew: what was pinned for the old one (its host key) is read again, unless given.
  for (const key of use.moved ? (connector.pin?.settings ?? []) : []) if ((p.settings as Record<string, unknown> | undefined)?.[key] === undefined) delete settings[key];
  Object.assign(settings, await pinned(connector, settings, use.secrets));
  const secrets = use.typed || use.moved ? encryptJson(use.secrets) : undefined;
  return writeConnection(db, { id: row.id, name: p.name ?? row.name, settings, secrets, rateLimit: p.rateLimit });
}
