import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";

type Status = "ok" | "unavailable";

/**
 * What GET /api/health answers, to anyone: bare statuses, nothing an outsider could use (no hosts, versions
 * or error texts — those go to the server log). The executor is checked only when it is the app's own.
 */
export type Health = { status: Status; database: { status: Status }; executor: { status: Status | "not checked" } };

const CHECK_TIMEOUT_MS = 2_000;

const within = <T>(work: Promise<T>) =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref())]);

export async function checkHealth(p: { db: Db; executorUrl?: string; log?: (line: string) => void }): Promise<Health> {
  const log = p.log ?? ((line: string) => console.error(line));
  const failed = (what: string) => (error: Error) => (log(`Health check: ${what} is unavailable: ${error.message}`), "unavailable" as const);
  const [database, executor] = await Promise.all([
    within(p.db.execute(sql`SELECT 1`)).then(() => "ok" as const, failed("the database")),
    p.executorUrl
      ? fetch(`${p.executorUrl}/health`, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) }).then(
          async (r) => (r.ok ? ("ok" as const) : failed("the job executor")(new Error(`it answered ${r.status} ${await r.text()}`))),
          failed("the job executor"),
        )
      : ("not checked" as const),
  ]);
  return { status: database === "ok" && executor !== "unavailable" ? "ok" : "unavailable", database: { status: database }, executor: { status: executor } };
}
