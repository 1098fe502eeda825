import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";

export type RateBudget = { windowSeconds: number; maxRequests: number };

/** Gives the permit back once the request's answer (or its failure) is in: the window counts from then. */
export type ReleasePermit = () => Promise<void>;

/** A permit whose process died before giving it back still counts this long after its request's own timeout. */
const LEASE_SLACK_MS = 1_000;

/**
 * Waits for a permit to send one request through a connection, so that in any interval of the window's
 * length at most `maxRequests` reach the destination — by every sync and process sharing the connection, and
 * measured at the destination's clock, whatever the network's delays. A permit is held while its request is in
 * flight and counts for a whole window from the moment its answer came: the destination received the request
 * before answering, so two requests `maxRequests` apart always arrive more than a window apart. (Counting from
 * when a request is sent would let a slow request and a fast one land in the same window.) The log of permits
 * lives in PostgreSQL and each decision is taken under a per-connection advisory lock; a permit in flight is
 * stamped with the latest its answer can come (`holdMs`, the request's timeout), so one a crash never gave back
 * expires by itself.
 */
export async function acquirePermit(db: Db, connectionId: string, budget: RateBudget, holdMs: number): Promise<ReleasePermit> {
  const windowSecs = budget.windowSeconds;
  const leaseSecs = (holdMs + LEASE_SLACK_MS) / 1000;
  for (;;) {
    const granted = await db.transaction(async (tx): Promise<{ id: string } | { waitMs: number }> => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`rate-budget:${connectionId}`}))`);
      await tx.execute(sql`DELETE FROM rate_budget_events WHERE connection_id = ${connectionId} AND at <= clock_timestamp() - make_interval(secs => ${windowSecs})`);
      // The next permit frees when the oldest answered request's window ends; while every permit is in flight, a window after now at the earliest.
      const [row] = (
        await tx.execute<{ used: number; wait_ms: number | null }>(sql`
          SELECT count(*)::int AS used,
                 (extract(epoch FROM min(at) FILTER (WHERE at <= clock_timestamp()) + make_interval(secs => ${windowSecs}) - clock_timestamp()) * 1000)::int AS wait_ms
            FROM rate_budget_events WHERE connection_id = ${connectionId}`)
      ).rows;
      if ((row?.used ?? 0) >= budget.maxRequests) return { waitMs: Math.max(1, row?.wait_ms ?? windowSecs * 1000) };
      const [permit] = (
        await tx.execute<{ id: string }>(sql`
          INSERT INTO rate_budget_events (connection_id, at) VALUES (${connectionId}, clock_timestamp() + make_interval(secs => ${leaseSecs})) RETURNING id`)
      ).rows;
      return { id: permit!.id };
    });
    if ("id" in granted) return () => releasePermit(db, granted.id);
    await new Promise((r) => setTimeout(r, granted.waitMs));
  }
}

async function releasePermit(db: Db, id: string) {
  await db.execute(sql`UPDATE rate_budget_events SET at = clock_timestamp() WHERE id = ${id}`);
}
