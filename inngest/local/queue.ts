/** The work queue: due items claimed with a lease, within each concurrency key's limit. */
import os from "node:os";
import { and, eq, gt, inArray, isNotNull, lt, lte, or, isNull, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { type ConcurrencySlot, inngestQueue } from "./schema";

export type QueueItem = typeof inngestQueue.$inferSelect;
export type NewQueueItem = { runId: string; functionId: string; kind: QueueItem["kind"]; stepId: string; attempt?: number; dueAt?: Date; concurrency?: ConcurrencySlot[] };

const CLAIM_LOCK = 72_431_002;

export const ownerId = () => `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;

export async function enqueue(db: Db, items: NewQueueItem[]) {
  if (items.length) await db.insert(inngestQueue).values(items.map((i) => ({ ...i, dueAt: i.dueAt ?? new Date() })));
}

/** Claims up to `max` due items of the given functions, skipping those whose concurrency keys are at their limit. */
export async function claim(db: Db, owner: string, functionIds: string[], max: number, leaseMs: number): Promise<QueueItem[]> {
  if (functionIds.length === 0) return [];
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${CLAIM_LOCK})`);
    const now = new Date();
    const due = await tx
      .select()
      .from(inngestQueue)
      .where(
        and(
          inArray(inngestQueue.functionId, functionIds),
          lte(inngestQueue.dueAt, now),
          or(isNull(inngestQueue.leaseUntil), lt(inngestQueue.leaseUntil, now)),
        ),
      )
      .orderBy(inngestQueue.dueAt, inngestQueue.id)
      .limit(Math.max(max * 4, 50));
    if (due.length === 0) return [];
    const busy = await tx
      .select({ concurrency: inngestQueue.concurrency })
      .from(inngestQueue)
      .where(and(isNotNull(inngestQueue.leaseUntil), sql`${inngestQueue.leaseUntil} >= ${now}`));
    const inUse = new Map<string, number>();
    const take = (slots: ConcurrencySlot[]) => slots.forEach((s) => inUse.set(s.key, (inUse.get(s.key) ?? 0) + 1));
    busy.forEach((b) => take(b.concurrency));
    const chosen: QueueItem[] = [];
    for (const item of due) {
      if (chosen.length >= max) break;
      if (item.concurrency.some((s) => (inUse.get(s.key) ?? 0) >= s.limit)) continue;
      take(item.concurrency);
      chosen.push(item);
    }
    if (chosen.length === 0) return [];
    const leaseUntil = new Date(now.getTime() + leaseMs);
    await tx
      .update(inngestQueue)
      .set({ leaseOwner: owner, leaseUntil })
      .where(inArray(inngestQueue.id, chosen.map((c) => c.id)));
    return chosen.map((c) => ({ ...c, leaseOwner: owner, leaseUntil }));
  });
}

/** When the next unleased item of the given functions falls due (a debounced run, a sleep), if any is due later. */
export async function nextDueAt(db: Db, functionIds: string[]): Promise<Date | undefined> {
  if (functionIds.length === 0) return undefined;
  const [row] = await db
    .select({ dueAt: sql<Date | null>`min(${inngestQueue.dueAt})`.mapWith(inngestQueue.dueAt) })
    .from(inngestQueue)
    .where(and(inArray(inngestQueue.functionId, functionIds), isNull(inngestQueue.leaseOwner), gt(inngestQueue.dueAt, new Date())));
  return row?.dueAt ?? undefined;
}

export async function renewLeases(db: Db, owner: string, ids: number[], leaseMs: number) {
  if (ids.length === 0) return;
  await db
    .update(inngestQueue)
    .set({ leaseUntil: new Date(Date.now() + leaseMs) })
    .where(and(inArray(inngestQueue.id, ids), eq(inngestQueue.leaseOwner, owner)));
}

/** Puts an item back to be retried later (the process could not work on it: database error, app unreachable). */
export async function postpone(db: Db, id: number, dueAt: Date) {
  await db.update(inngestQueue).set({ leaseOwner: null, leaseUntil: null, dueAt }).where(eq(inngestQueue.id, id));
}

/** Frees at once the leases of executor processes on this machine that died, so their runs resume now. */
export async function releaseDeadOwners(db: Db) {
  const leased = await db.selectDistinct({ owner: inngestQueue.leaseOwner }).from(inngestQueue).where(isNotNull(inngestQueue.leaseOwner));
  const dead = leased
    .map((l) => l.owner!)
    .filter((owner) => {
      const [host, pid] = owner.split(":");
      if (host !== os.hostname()) return false;
      try {
        process.kill(Number(pid), 0);
        return false;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === "ESRCH";
      }
    });
  if (dead.length) await db.update(inngestQueue).set({ leaseOwner: null, leaseUntil: null }).where(inArray(inngestQueue.leaseOwner, dead));
  return dead.length;
}
