import "server-only";
import { asc } from "drizzle-orm";
import type { Db } from "../client";
import { workspaces } from "../schema";

/** The workspace used until sign-in exists: the oldest one, created on first use. */
export async function getDefaultWorkspace(db: Db) {
  const existing = await db.query.workspaces.findFirst({ orderBy: asc(workspaces.createdAt) });
  if (existing) return existing;
  const [created] = await db
    .insert(workspaces)
    .values({ name: "My workspace", slug: "default" })
    .onConflictDoNothing({ target: workspaces.slug })
    .returning();
  return created ?? (await db.query.workspaces.findFirst({ orderBy: asc(workspaces.createdAt) }))!;
}

export async function createWorkspace(db: Db, p: { name: string; slug: string }) {
  const [created] = await db.insert(workspaces).values(p).returning();
  return created!;
}
