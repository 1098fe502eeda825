/**
 * `npm run user:unlock -- <email>` lifts the sign-in lock that too many failed passwords put on an account,
 * for operators with shell access (the owner locked out, and no other admin to do it in Settings → Members).
 */
import { liftSignInLock } from "@/lib/auth/sign-in-guard";
import { runCli, withDatabase } from "./with-database";

const email = process.argv[2];

runCli(() =>
  withDatabase(async ({ db }) => {
    if (!email) throw new Error("usage: npm run user:unlock -- <email>");
    await liftSignInLock(db, email);
    console.log(`Sign-in for ${email} is unlocked.`);
  }),
);
