import { defineConfig } from "@playwright/test";
import { SMTP_PORT } from "./e2e/mail";
import { OWNER_STATE } from "./e2e/owner";

const port = Number(process.env.E2E_PORT ?? 3200);

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["json", { outputFile: "test-results/playwright.json" }]],
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
    },
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    { name: "app", testIgnore: /auth\.setup\.ts/, dependencies: ["setup"], use: { storageState: OWNER_STATE } },
  ],
  // The production build on the embedded default database, as a user runs it with `npm start`.
  webServer: {
    command: "npm run start",
    url: `http://127.0.0.1:${port}/datasets`,
    timeout: 180_000,
    reuseExistingServer: !process.env.CI,
    stdout: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    env: { PORT: String(port), DATA_DIR: ".data/e2e", DATABASE_URL: "", NODE_ENV: "production", APP_URL: `http://127.0.0.1:${port}`, ALLOW_PRIVATE_NETWORK: "true", SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`, SMTP_FROM: "Relay <relay@example.com>" },
  },
});
