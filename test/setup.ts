import { freePort } from "./ports";
import { appRuntimeEnv } from "./runtime-env";

// The app's own modules (getDb, the Inngest client, route handlers) read these when they load: set them
// before any test file imports them. startAppRuntime serves the app and an executor at these addresses with these keys.
Object.assign(process.env, {
  ...(await appRuntimeEnv()),
  // Email goes to a port no one listens on unless a test starts test/smtp.ts there.
  SMTP_URL: `smtp://127.0.0.1:${await freePort()}`,
  // Technical retries wait 3/5/10 s in production; a hundredth of that in tests.
  SYNC_TIME_SCALE: "0.01",
  // The test sandboxes listen on loopback, which user-chosen URLs may not reach otherwise.
  ALLOW_PRIVATE_NETWORK: "true",
});
