import "server-only";
import { and, eq, inArray, isNull, lt, or } from "drizzle-orm";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import type { Db } from "@/lib/db/client";
import { signInLocks } from "@/lib/db/schema";

/**
 * Failed sign-ins are limited per account, whatever address they come from: after 5 in a row the email is
 * locked for 15 minutes, each further 5 lock it twice as long (at most a day). An admin lifts the lock
 * (Settings → Members), as do a successful password reset and `npm run user:unlock`.
 */
const ATTEMPTS_PER_LOCK = 5;
const FIRST_LOCK_MS = 15 * 60_000;
const LONGEST_LOCK_MS = 86_400_000;
/** A day without attempts forgets the failures (and the row). */
const FORGET_AFTER_MS = 86_400_000;

const normalise = (email: unknown) => (typeof email === "string" ? email.trim().toLowerCase() : "");

/**
 * Counts a sign-in attempt before its password is checked (so parallel guesses cannot slip past the
 * count) and answers when the email is locked. The attempt that reaches a multiple of 5 sets the lock; a
 * good password then clears it.
 */
export async function countSignInAttempt(db: Db, email: string, now = new Date()): Promise<Date | undefined> {
  return db.transaction(async (tx) => {
    await tx.insert(signInLocks).values({ email: normalise(email), updatedAt: now }).onConflictDoNothing();
    const [row] = await tx.select().from(signInLocks).where(eq(signInLocks.email, normalise(email))).for("update");
    if (row!.lockedUntil && row!.lockedUntil > now) return row!.lockedUntil;
    const failures = (now.getTime() - row!.updatedAt.getTime() > FORGET_AFTER_MS ? 0 : row!.failures) + 1;
    const locks = failures / ATTEMPTS_PER_LOCK;
    const lockedUntil = Number.isInteger(locks) ? new Date(now.getTime() + Math.min(FIRST_LOCK_MS * 2 ** (locks - 1), LONGEST_LOCK_MS)) : null;
    await tx.update(signInLocks).set({ failures, lockedUntil, updatedAt: now }).where(eq(signInLocks.email, row!.email));
    return undefined;
  });
}

/** After a good password, a password reset or an admin's unlock: the count starts again. */
export async function liftSignInLock(db: Db, email: string) {
  await db.delete(signInLocks).where(eq(signInLocks.email, normalise(email)));
}

/** Which of these emails are locked now, and until when. */
export async function lockedEmails(db: Db, emails: string[], now = new Date()): Promise<Map<string, Date>> {
  if (!emails.length) return new Map();
  const rows = await db.select().from(signInLocks).where(inArray(signInLocks.email, emails.map(normalise)));
  return new Map(rows.filter((r) => r.lockedUntil && r.lockedUntil > now).map((r) => [r.email, r.lockedUntil!]));
}

async function forgetQuietEmails(db: Db, now: Date) {
  const cutoff = new Date(now.getTime() - FORGET_AFTER_MS);
  await db.delete(signInLocks).where(and(lt(signInLocks.updatedAt, cutoff), or(isNull(signInLocks.lockedUntil), lt(signInLocks.lockedUntil, now))));
}

const waitText = (ms: number) => (ms > 90 * 60_000 ? `${Math.ceil(ms / 3_600_000)} hours` : `${Math.ceil(ms / 60_000)} minutes`);

/** better-auth hooks around `/sign-in/email` (every caller: the HTTP endpoint and `auth.api.signInEmail`). */
export function signInGuard(db: Db) {
  return {
    before: createAuthMiddleware(async (ctx) => {
      if (ctx.path !== "/sign-in/email") return;
      const now = new Date();
      const lockedUntil = await countSignInAttempt(db, (ctx.body as { email?: unknown } | undefined)?.email as string, now);
      if (!lockedUntil) return void (await forgetQuietEmails(db, now));
      const ms = lockedUntil.getTime() - now.getTime();
      throw new APIError(
        "TOO_MANY_REQUESTS",
        { code: "ACCOUNT_LOCKED", message: `Too many failed sign-ins for this account: try again in ${waitText(ms)}, or ask an admin to unlock it` },
        { "Retry-After": String(Math.ceil(ms / 1000)) },
      );
    }),
    after: createAuthMiddleware(async (ctx) => {
      if (ctx.path === "/sign-in/email" && !isAPIError(ctx.context.returned)) await liftSignInLock(db, (ctx.body as { email: string }).email);
    }),
  };
}
