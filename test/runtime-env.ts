import { inject } from "vitest";
import { generateEventKey, generateSigningKey } from "@/inngest/local/signing";
import { freePort } from "./ports";

/** What an app process needs to run against the test database: fresh job-runtime keys and addresses of its own. */
export async function appRuntimeEnv() {
  return {
    DATABASE_URL: inject("databaseUrl"),
    INNGEST_DEV: "0",
    INNGEST_SIGNING_KEY: generateSigningKey(),
    INNGEST_EVENT_KEY: generateEventKey(),
    INNGEST_BASE_URL: `http://127.0.0.1:${await freePort()}`,
    // Where the app is served: links and the serve route's public origin.
    APP_URL: `http://127.0.0.1:${await freePort()}`,
  };
}
