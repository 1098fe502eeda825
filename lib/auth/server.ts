import "server-only";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { nextCookies } from "better-auth/next-js";
import { type Db, getDb } from "@/lib/db/client";
import { accounts, rateLimits, sessions, users, verifications } from "@/lib/db/schema";
import { appUrl, env } from "@/lib/env";
import { localSecret } from "@/lib/local-secret";
import { liftSignInLock, signInGuard } from "./sign-in-guard";
import { sendMail, smtpConfigured } from "@/lib/notify/mailer";

/** The last reset link made for each email, for admins and the CLI to hand over when no SMTP is configured. */
export const issuedResetLinks = new Map<string, string>();

export function createAuth(db: Db, options: { trustedProxyHeaders?: string[] } = {}) {
  const proxyHeaders = options.trustedProxyHeaders ?? env.TRUSTED_PROXY_HEADERS;
  return betterAuth({
    appName: "Relay",
    baseURL: appUrl(),
    trustedOrigins: [appUrl()],
    secret: env.BETTER_AUTH_SECRET ?? localSecret("auth.secret"),
    database: drizzleAdapter(db, { provider: "pg", schema: { user: users, session: sessions, account: accounts, verification: verifications, rateLimit: rateLimits } }),
    emailAndPassword: {
      enabled: true,
      // Nobody signs themselves up: accounts come from first-run setup and invitations (lib/auth/accounts.ts).
      disableSignUp: true,
      minPasswordLength: 10,
      maxPasswordLength: 200,
      resetPasswordTokenExpiresIn: 60 * 60,
      revokeSessionsOnPasswordReset: true,
      onPasswordReset: ({ user }) => liftSignInLock(db, user.email),
      sendResetPassword: async ({ user, url }) => {
        issuedResetLinks.set(user.email, url);
        if (smtpConfigured())
          await sendMail({ to: user.email, subject: "Reset your Relay password", text: `Choose a new password within the hour: ${url}\n\nIf you did not ask for it, ignore this email.` });
      },
    },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    // A client's address is known only from a header the operator's proxy sets (anyone can send X-Forwarded-For).
    advanced: { ipAddress: { ipAddressHeaders: proxyHeaders } },
    // Repeated sign-ins from one address are slowed down when its address is known (without it every client would
    // share one budget); the counters live in the database, shared by every process.
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 200,
      customRules: { "/sign-in/email": proxyHeaders.length ? { window: 60, max: 5 } : false, "/request-password-reset": { window: 300, max: 5 } },
    },
    // Failed sign-ins are limited per account too, whatever address they come from.
    hooks: signInGuard(db),
    telemetry: { enabled: false },
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { relayAuth?: Auth };

/** The app's auth, created on first use (the database is not there at build time). */
export function getAuth(): Auth {
  globalForAuth.relayAuth ??= createAuth(getDb());
  return globalForAuth.relayAuth;
}
