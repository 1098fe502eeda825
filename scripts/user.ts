/**
 * `npm run user:reset-link -- <email>` prints a one-time link (valid one hour) to choose a new password,
 * for operators with shell access when no SMTP server is configured.
 */
import { eq } from "drizzle-orm";
import { createAuth, issuedResetLinks } from "@/lib/auth/server";
import { users } from "@/lib/db/schema";
import { appUrl } from "@/lib/env";
import { runCli, withDatabase } from "./with-database";

const email = process.argv[2];

runCli(() =>
  withDatabase(async ({ db }) => {
    if (!email) throw new Error("usage: npm run user:reset-link -- <email>");
    if (!(await db.query.users.findFirst({ where: eq(users.email, email.toLowerCase()) }))) throw new Error(`No user ${email}`);
    await createAuth(db).api.requestPasswordReset({ body: { email: email.toLowerCase(), redirectTo: `${appUrl()}/reset-password` } });
    const link = issuedResetLinks.get(email.toLowerCase());
    if (!link) throw new Error("The link could not be made");
    console.log(`Password reset link for ${email} (valid one hour):\n\n${link}\n`);
  }),
);
