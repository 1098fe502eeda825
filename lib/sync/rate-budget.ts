import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";

export type RateBudget = { windowSeconds: number; maxRequests: number };

// Requests are counted when permitted, a little before the destination sees them: keep a margin.
const MARGIN_MS = 100;

/**
 * Waits for a permit to send one request through a connection, so that in any interval of the window's
 * length at most `maxRequests` are sent — by every sync and process sharing the connection. The log of
 * permits lives in PostgreSQL and each decision is taken under a per-connection advisory lock.
 */
export async function acquirePermit(db: Db, connectionId: string, budget: RateBudget, signal?: AbortSignal): Promise<void> {
  const windowMs = budget.windowSeconds * 1000 + MARGIN_MS;
  for (;;) {
    signal?.throwIfAborted();
    const waitMs = await db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`rate-budget:${connectionId}`}))`);
      await tx.execute(sql`DELETE FROM rate_budget_events WHERE connection_id = ${connectionId} AND at <= clock_timestamp() - make_interval(secs => ${windowMs / 1000})`);
      const [row] = (
        await tx.execute<{ used: number; wait_ms: number | null }>(sql`
          SELECT count(*)::int AS used,
                 (extract(epoch FROM min(at) + make_interval(secs => ${windowMs / 1000}) - clock_timestamp()) * 1000)::int AS wait_ms
            FROM rate_budget_events WHERE connection_id = ${connectionId}`)
      ).rows;
      if ((row?.used ?? 0) < budget.maxRequests) {
        await tx.execute(sql`INSERT INTO rate_budget_events (connection_id, at) VALUES (${connectionId}, clock_timestamp())`);
        return 0;
      }
      return Math.max(1, row!.wait_ms ?? 1);
    });
    if (waitMs === 0) return;
    await new Promise((r) => setTimeout(r, waitMs));
  }
}
