import "server-only";
import { RetryLaterError } from "@/lib/errors";
import type { Db } from "./client";

/** What PostgreSQL answers when it aborts a transaction for getting in another's way: serialization failure, deadlock. */
const CONFLICTS = new Set(["40001", "40P01"]);
const ATTEMPTS = 4;

const codeOf = (error: unknown) => (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;

/**
 * Runs `work` in a transaction; when PostgreSQL aborts it for a conflict with a concurrent one, runs it again
 * after a short random wait, up to 4 times, then gives up with a RetryLaterError (503 with Retry-After).
 */
export async function transactionWithRetry<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((tx) => work(tx));
    } catch (error) {
      if (!CONFLICTS.has(codeOf(error) ?? "")) throw error;
      if (attempt === ATTEMPTS) throw new RetryLaterError("Another request is writing the same rows: try again in a moment", 1);
      await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt * (0.5 + Math.random())));
    }
  }
}
