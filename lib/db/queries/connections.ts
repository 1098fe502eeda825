import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { getConnector } from "@/connectors/registry";
import type { ConnectionConfig, Connector } from "@/connectors/types";
import { decryptJson, encryptJson } from "@/lib/crypto";
import { NotFoundError, parseWith, PublicError, ValidationError } from "@/lib/errors";
import type { Db } from "../client";
import { connections, syncs } from "../schema";

export type ConnectionInput = {
  connector: string;
  name: string;
  settings: unknown;
  secrets?: unknown;
  rateLimit?: { windowSeconds: number; maxRequests: number } | null;
};

function connectorOf(id: string): Connector {
  const connector = getConnector(id);
  if (!connector) throw new PublicError(`Unknown connector "${id}"`);
  return connector;
}

/** Adds what the connector learns on first contact (a host key) when the settings do not carry it yet. */
async function pinned(connector: Connector, settings: Record<string, unknown>, secrets: Record<string, unknown>) {
  const pin = connector.pin;
  if (!pin || pin.settings.every((key) => settings[key] !== undefined)) return settings;
  try {
    return { ...settings, ...(await pin.read({ settings, secrets })) };
  } catch (error) {
    throw new PublicError(`Could not reach the server to read its ${pin.settings.join(", ")}: ${(error as Error).message}`);
  }
}

export async function createConnection(db: Db, p: { workspaceId: string } & ConnectionInput) {
  const connector = connectorOf(p.connector);
  const secrets = parseWith(connector.secretsSchema, p.secrets ?? {}, "The secrets do not fit");
  const settings = await pinned(connector, parseWith(connector.settingsSchema, p.settings, "The settings do not fit") as Record<string, unknown>, secrets);
  // Left out, the connector's suggested budget; null, none (the user cleared it).
  const rate = p.rateLimit === undefined ? connector.manifest.defaultRateLimit : p.rateLimit;
  const [created] = await db
    .insert(connections)
    .values({
      workspaceId: p.workspaceId,
      connector: p.connector,
      name: p.name,
      settings,
      secrets: encryptJson(secrets),
      rateWindowSeconds: rate?.windowSeconds ?? null,
      rateMaxRequests: rate?.maxRequests ?? null,
    })
    .returning();
  return publicConnection(created!);
}

/** A connection as anything outside the server may see it: never its secrets. */
export function publicConnection(c: typeof connections.$inferSelect) {
  return {
    id: c.id,
    connector: c.connector,
    name: c.name,
    settings: c.settings,
    rateLimit: c.rateWindowSeconds && c.rateMaxRequests ? { windowSeconds: c.rateWindowSeconds, maxRequests: c.rateMaxRequests } : null,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

export const listConnections = async (db: Db, p: { workspaceId: string }) =>
  (await db.query.connections.findMany({ where: eq(connections.workspaceId, p.workspaceId), orderBy: asc(connections.name) })).map(publicConnection);

async function findConnection(db: Db, p: { workspaceId: string; connectionId: string }) {
  const row = await db.query.connections.findFirst({ where: and(eq(connections.id, p.connectionId), eq(connections.workspaceId, p.workspaceId)) });
  if (!row) throw new NotFoundError("Connection");
  return row;
}

/** The connection with its connector and decrypted configuration, for server code that talks to the destination. */
export async function loadConnection(db: Db, p: { workspaceId: string; connectionId: string }) {
  const row = await findConnection(db, p);
  const connector = connectorOf(row.connector);
  const config: ConnectionConfig = { settings: row.settings, secrets: row.secrets ? decryptJson<Record<string, unknown>>(row.secrets) : {} };
  return { row, connector, config };
}

/**
 * Changes a connection. Where it points (the connector's endpoint settings) cannot change without the
 * secrets being entered again, so stored credentials are never sent to another server.
 */
export async function updateConnection(db: Db, p: { workspaceId: string; connectionId: string } & Partial<Omit<ConnectionInput, "connector">>) {
  const { row, connector } = await loadConnection(db, p);
  const settings = p.settings === undefined ? row.settings : (parseWith(connector.settingsSchema, { ...row.settings, ...(p.settings as object) }, "The settings do not fit") as Record<string, unknown>);
  const moved = connector.manifest.endpointSettings.some((key) => JSON.stringify(settings[key]) !== JSON.stringify(row.settings[key]));
  if (moved && p.secrets === undefined) throw new ValidationError({ secrets: ["Enter the secrets again: the connection now points elsewhere"] });
  const openSecrets = p.secrets === undefined ? undefined : parseWith(connector.secretsSchema, p.secrets, "The secrets do not fit");
  // A server moved to is met anew: what was pinned for the old one (its host key) is read again, unless given.
  for (const key of moved ? (connector.pin?.settings ?? []) : []) if ((p.settings as Record<string, unknown> | undefined)?.[key] === undefined) delete settings[key];
  Object.assign(settings, await pinned(connector, settings, openSecrets ?? (row.secrets ? decryptJson<Record<string, unknown>>(row.secrets) : {})));
  const secrets = openSecrets === undefined ? undefined : encryptJson(openSecrets);
  const rate = p.rateLimit;
  const [updated] = await db
    .update(connections)
    .set({
      name: p.name ?? row.name,
      settings,
      ...(secrets ? { secrets } : {}),
      ...(rate !== undefined ? { rateWindowSeconds: rate?.windowSeconds ?? null, rateMaxRequests: rate?.maxRequests ?? null } : {}),
      updatedAt: new Date(),
    })
    .where(eq(connections.id, row.id))
    .returning();
  return publicConnection(updated!);
}

export async function deleteConnection(db: Db, p: { workspaceId: string; connectionId: string }) {
  const row = await findConnection(db, p);
  const used = await db.query.syncs.findMany({ where: eq(syncs.connectionId, row.id), columns: { name: true } });
  if (used.length) throw new PublicError(`The connection is used by ${used.map((s) => `"${s.name}"`).join(", ")}: delete or move those syncs first`, { status: 409 });
  await db.delete(connections).where(eq(connections.id, row.id));
}

export async function getConnection(db: Db, p: { workspaceId: string; connectionId: string }) {
  return publicConnection(await findConnection(db, p));
}
