import "server-only";
import crypto from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { NotFoundError } from "@/lib/errors";
import type { Db } from "../client";
import { apiKeys } from "../schema";

const hashKey = (key: string) => crypto.createHash("sha256").update(key).digest("hex");

/** A new key, shown once: `rly_` + 40 random base62 characters. */
export async function createApiKey(db: Db, p: { workspaceId: string; name: string }) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const secret = Array.from(crypto.randomBytes(40), (b) => alphabet[b % 62]).join("");
  const key = `rly_${secret}`;
  const [row] = await db.insert(apiKeys).values({ workspaceId: p.workspaceId, name: p.name, prefix: key.slice(0, 10), hash: hashKey(key) }).returning();
  return { key, apiKey: publicApiKey(row!) };
}

const publicApiKey = (k: typeof apiKeys.$inferSelect) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt,
  revokedAt: k.revokedAt,
});

/** The workspace of a valid, unrevoked key, or undefined. */
export async function verifyApiKey(db: Db, key: string): Promise<{ workspaceId: string; keyId: string; label: string } | undefined> {
  if (!/^rly_[A-Za-z0-9]{40}$/.test(key)) return undefined;
  const row = await db.query.apiKeys.findFirst({ where: and(eq(apiKeys.hash, hashKey(key)), isNull(apiKeys.revokedAt)) });
  if (!row) return undefined;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, row.id));
  return { workspaceId: row.workspaceId, keyId: row.id, label: `API key "${row.name}" (${row.prefix}…)` };
}

export async function revokeApiKey(db: Db, p: { workspaceId?: string; idOrPrefix: string }) {
  const match = /^[0-9a-f-]{36}$/.test(p.idOrPrefix) ? eq(apiKeys.id, p.idOrPrefix) : eq(apiKeys.prefix, p.idOrPrefix);
  const [revoked] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(match, isNull(apiKeys.revokedAt), p.workspaceId ? eq(apiKeys.workspaceId, p.workspaceId) : undefined))
    .returning();
  if (!revoked) throw new NotFoundError("Active API key");
  return publicApiKey(revoked);
}

export const listApiKeys = async (db: Db, p: { workspaceId: string }) =>
  (await db.query.apiKeys.findMany({ where: eq(apiKeys.workspaceId, p.workspaceId), orderBy: desc(apiKeys.createdAt) })).map(publicApiKey);
