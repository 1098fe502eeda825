import "server-only";
import { and, asc, eq, gt } from "drizzle-orm";
import { NotFoundError, PublicError } from "@/lib/errors";
import type { Db } from "../client";
import { connections, sources, syncs } from "../schema";
import { keysetPage, type PageParams } from "./page";

export type RateLimit = { windowSeconds: number; maxRequests: number } | null;

export async function insertConnection(db: Db, p: { workspaceId: string; connector: string; name: string; settings: Record<string, unknown>; secrets: string; rateLimit: RateLimit }) {
  const [created] = await db
    .insert(connections)
    .values({
      workspaceId: p.workspaceId,
      connector: p.connector,
      name: p.name,
      settings: p.settings,
      secrets: p.secrets,
      rateWindowSeconds: p.rateLimit?.windowSeconds ?? null,
      rateMaxRequests: p.rateLimit?.maxRequests ?? null,
    })
    .returning();
  return publicConnection(created!);
}

/** Writes a connection's row: secrets and rate budget left undefined are kept. */
export async function writeConnection(db: Db, p: { id: string; name: string; settings: Record<string, unknown>; secrets?: string; rateLimit?: RateLimit }) {
  const rate = p.rateLimit;
  const [updated] = await db
    .update(connections)
    .set({
      name: p.name,
      settings: p.settings,
      ...(p.secrets ? { secrets: p.secrets } : {}),
      ...(rate !== undefined ? { rateWindowSeconds: rate?.windowSeconds ?? null, rateMaxRequests: rate?.maxRequests ?? null } : {}),
      updatedAt: new Date(),
    })
    .where(eq(connections.id, p.id))
    .returning();
  return publicConnection(updated!);
}

/** The connection's rate budget, when it has one. */
export function rateLimitOf(c: typeof connections.$inferSelect): RateLimit {
  return c.rateWindowSeconds && c.rateMaxRequests ? { windowSeconds: c.rateWindowSeconds, maxRequests: c.rateMaxRequests } : null;
}

/** A connection as anything outside the server may see it: never its secrets. */
export function publicConnection(c: typeof connections.$inferSelect) {
  return {
    id: c.id,
    connector: c.connector,
    name: c.name,
    settings: c.settings,
    rateLimit: rateLimitOf(c),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

export const listConnections = async (db: Db, p: { workspaceId: string }) =>
  (await db.query.connections.findMany({ where: eq(connections.workspaceId, p.workspaceId), orderBy: asc(connections.name) })).map(publicConnection);

/** A page of the workspace's connections in id order (the REST list). */
export const connectionsPage = (db: Db, p: { workspaceId: string } & PageParams) =>
  keysetPage(
    p.limit,
    (take) => db.query.connections.findMany({ where: and(eq(connections.workspaceId, p.workspaceId), p.cursor ? gt(connections.id, p.cursor) : undefined), orderBy: asc(connections.id), limit: take }),
    (c) => c.id,
  );

export async function requireConnectionRow(db: Db, p: { workspaceId: string; connectionId: string }) {
  const row = await db.query.connections.findFirst({ where: and(eq(connections.id, p.connectionId), eq(connections.workspaceId, p.workspaceId)) });
  if (!row) throw new NotFoundError("Connection");
  return row;
}

export async function deleteConnection(db: Db, p: { workspaceId: string; connectionId: string }) {
  const row = await requireConnectionRow(db, p);
  const used = await db.query.syncs.findMany({ where: eq(syncs.connectionId, row.id), columns: { name: true } });
  if (used.length) throw new PublicError(`The connection is used by ${used.map((s) => `"${s.name}"`).join(", ")}: delete or move those syncs first`, { status: 409 });
  if (await db.query.sources.findFirst({ where: eq(sources.connectionId, row.id), columns: { id: true } })) throw new PublicError("The connection is a source: remove the source first", { status: 409 });
  await db.delete(connections).where(eq(connections.id, row.id));
}

export async function requireConnection(db: Db, p: { workspaceId: string; connectionId: string }) {
  return publicConnection(await requireConnectionRow(db, p));
}
