import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { expect, test } from "@playwright/test";
import { freePort } from "@/test/ports";
import { machinePostgres } from "./machine-postgres";

const OWNER = { name: "Dev Owner", email: "dev-owner@example.com", password: `setup-pw-${Date.now()}`, workspace: "Dev log" };
const WRONG = `wrong-pw-${Date.now()}`;

/** `npm run dev` on a fresh database of its own, with everything it prints kept. */
async function startDevServer(databaseUrl: string) {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "development", PORT: String(port), APP_URL: `http://localhost:${port}`, DATABASE_URL: databaseUrl, DATA_DIR: ".data/e2e-dev", NEXT_TELEMETRY_DISABLED: "1" };
  execFileSync("npm", ["run", "--silent", "db:migrate"], { env, stdio: "ignore" });
  const child: ChildProcess = spawn("npm", ["run", "dev"], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout!.on("data", (d: Buffer) => (log += d));
  child.stderr!.on("data", (d: Buffer) => (log += d));
  // localhost, not 127.0.0.1: `next dev` serves its scripts only to the origin it announces.
  const url = `http://localhost:${port}`;
  await expect.poll(async () => (await fetch(`${url}/sign-in`).catch(() => undefined))?.status, { timeout: 180_000, intervals: [1_000] }).toBe(200);
  const groupAlive = () => {
    try {
      return process.kill(-child.pid!, 0);
    } catch {
      return false;
    }
  };
  /** Stops npm, the launcher and Next (one process group), as Ctrl-C would, and waits until all are gone. */
  const stop = async () => {
    process.kill(-child.pid!, "SIGTERM");
    await expect.poll(groupAlive, { timeout: 20_000 }).toBe(false).catch(() => process.kill(-child.pid!, "SIGKILL"));
  };
  return { url, log: () => log, stop };
}

test("the server log never shows a password typed at setup or sign-in (`npm run dev`, which used to print server action arguments)", async ({ browser }) => {
  test.setTimeout(360_000);
  const machine = await machinePostgres();
  const database = `relay_dev_log_${Date.now()}`;
  await machine.query(`CREATE DATABASE ${database}`);
  const { host, port, user } = machine.settings;
  const server = await startDevServer(`postgres://${encodeURIComponent(user)}:${encodeURIComponent(machine.password)}@${host}:${port}/${database}`);
  try {
    const context = await browser.newContext({ baseURL: server.url, storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    // `next dev` compiles on first visit: fill the form once React has taken it over.
    await page.goto("/setup", { waitUntil: "networkidle", timeout: 180_000 });
    await page.getByLabel("Workspace").fill(OWNER.workspace);
    await page.getByLabel("Your name").fill(OWNER.name);
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel(/^Password/).fill(OWNER.password);
    await page.getByRole("button", { name: "Create the owner account" }).click();
    await expect(page).toHaveURL(/\/datasets|\/dashboard/, { timeout: 120_000 });
    // Sign-in posts to better-auth's endpoint, as the sign-in page does: a wrong password, then the right one.
    const signIn = async (password: string) =>
      (await page.request.post("/api/auth/sign-in/email", { data: { email: OWNER.email, password }, headers: { origin: server.url }, timeout: 180_000 })).status();
    expect(await signIn(WRONG)).toBe(401);
    expect(await signIn(OWNER.password)).toBe(200);
    await context.close();
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- npm run dev printed:\n${server.log()}`);
  } finally {
    await server.stop();
    await machine.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await machine.close();
  }
  expect(server.log()).toMatch(/POST \/setup|Ready in/);
  expect(server.log()).not.toContain(OWNER.password);
  expect(server.log()).not.toContain(WRONG);
});
