import "server-only";
import { and, asc, eq, gt, ne, sql } from "drizzle-orm";
import { NotFoundError, PublicError } from "@/lib/errors";
import type { Db } from "../client";
import { connections, syncRecordLogs, syncRecords, syncRuns, syncs } from "../schema";
import { keysetPage, type PageParams } from "./page";

type SyncValues = Omit<typeof syncs.$inferInsert, "id" | "workspaceId" | "createdAt" | "updatedAt">;

export async function insertSync(db: Db, p: { workspaceId: string; values: SyncValues }) {
  const [created] = await db.insert(syncs).values({ workspaceId: p.workspaceId, ...p.values }).returning();
  return created!;
}

export async function writeSync(db: Db, p: { workspaceId: string; syncId: string; values: SyncValues }) {
  const [updated] = await db
    .update(syncs)
    .set({ ...p.values, updatedAt: new Date() })
    .where(and(eq(syncs.id, p.syncId), eq(syncs.workspaceId, p.workspaceId)))
    .returning();
  if (!updated) throw new NotFoundError("Sync");
  return updated;
}

export const getSync = (db: Db, p: { workspaceId: string; syncId: string }) =>
  db.query.syncs.findFirst({ where: and(eq(syncs.id, p.syncId), eq(syncs.workspaceId, p.workspaceId)) });

/** The sync of the workspace; a NotFoundError when it has none by that id. */
export async function requireSync(db: Db, p: { workspaceId: string; syncId: string }) {
  const sync = await getSync(db, p);
  if (!sync) throw new NotFoundError("Sync");
  return sync;
}

/** The workspace's syncs through any connection of this connector, by name. */
export const syncsOfConnector = async (db: Db, p: { workspaceId: string; connector: string; exceptSyncId?: string }) =>
  (
    await db
      .select({ sync: syncs })
      .from(syncs)
      .innerJoin(connections, eq(connections.id, syncs.connectionId))
      .where(and(eq(syncs.workspaceId, p.workspaceId), eq(connections.connector, p.connector), p.exceptSyncId ? ne(syncs.id, p.exceptSyncId) : undefined))
      .orderBy(asc(syncs.name))
  ).map((r) => r.sync);

export const listSyncs = (db: Db, p: { workspaceId: string }) => db.query.syncs.findMany({ where: eq(syncs.workspaceId, p.workspaceId), orderBy: asc(syncs.name) });

/** A page of the workspace's syncs in id order (the REST list). */
export const syncsPage = (db: Db, p: { workspaceId: string } & PageParams) =>
  keysetPage(
    p.limit,
    (take) => db.query.syncs.findMany({ where: and(eq(syncs.workspaceId, p.workspaceId), p.cursor ? gt(syncs.id, p.cursor) : undefined), orderBy: asc(syncs.id), limit: take }),
    (s) => s.id,
  );

/**
 * Deletes a sync with its runs, diff state and record logs (the per-record tables have no cascading keys).
 * Refused (409) while a run of the sync is running: that run would lose its state mid-step. Queued runs
 * go with the sync; the sync's row lock keeps any of them from starting meanwhile.
 */
export async function deleteSync(db: Db, p: { workspaceId: string; syncId: string }) {
  await db.transaction(async (tx) => {
    const [sync] = await tx.select().from(syncs).where(and(eq(syncs.id, p.syncId), eq(syncs.workspaceId, p.workspaceId))).for("update");
    if (!sync) throw new NotFoundError("Sync");
    const running = await tx.query.syncRuns.findFirst({ where: and(eq(syncRuns.syncId, sync.id), eq(syncRuns.status, "running")), columns: { id: true } });
    if (running) throw new PublicError("A run of this sync is running: cancel it, or wait for it to end, then delete the sync", { status: 409 });
    await tx.execute(sql`DELETE FROM sync_run_items WHERE run_id IN (SELECT id FROM sync_runs WHERE sync_id = ${sync.id})`);
    await tx.delete(syncRecordLogs).where(eq(syncRecordLogs.syncId, sync.id));
    await tx.delete(syncRecords).where(eq(syncRecords.syncId, sync.id));
    await tx.delete(syncs).where(eq(syncs.id, sync.id));
  });
}
