import { inject } from "vitest";
import { generateEventKey, generateSigningKey } from "@/inngest/local/signing";
import { freePort } from "./ports";

// The app's own modules (getDb, the Inngest client, route handlers) read these when they load: set them
// before any test file imports them. startAppRuntime serves an executor at this address with these keys.
Object.assign(process.env, {
  DATABASE_URL: inject("databaseUrl"),
  INNGEST_DEV: "0",
  INNGEST_SIGNING_KEY: generateSigningKey(),
  INNGEST_EVENT_KEY: generateEventKey(),
  INNGEST_BASE_URL: `http://127.0.0.1:${await freePort()}`,
  // Email goes to a port no one listens on unless a test starts lib/testing/smtp.ts there.
  SMTP_URL: `smtp://127.0.0.1:${await freePort()}`,
  // Technical retries wait 3/5/10 s in production; a hundredth of that in tests.
  SYNC_TIME_SCALE: "0.01",
  // The test sandboxes listen on loopback, which user-chosen URLs may not reach otherwise.
  ALLOW_PRIVATE_NETWORK: "true",
});
