import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

const root = process.cwd();
const tsx = path.join(root, "node_modules/.bin/tsx");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-embedded-"));
// Open to everyone, as older versions left a data folder: the launcher closes it.
fs.chmodSync(dataDir, 0o755);
// A checkout whose .data folder does not exist yet, as on a fresh clone.
const checkout = fs.mkdtempSync(path.join(os.tmpdir(), "relay-checkout-"));
fs.chmodSync(checkout, 0o755);
const children: ChildProcessWithoutNullStreams[] = [];

type Holder = { child: ChildProcessWithoutNullStreams; info: { url: string; initialised: boolean; started: boolean; pid: number } };

/** Starts a process that joins the embedded server and holds it until released. */
function hold(dir = dataDir): Promise<Holder> {
  const child = spawn(tsx, ["--conditions=react-server", "test/hold-embedded.ts"], { cwd: root, env: { ...process.env, DATA_DIR: dir } });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve({ child, info: JSON.parse(out.split("\n")[0]!) });
    });
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => reject(new Error(`holder exited with ${code}: ${out}`)));
  });
}

function release(holder: Holder): Promise<void> {
  return new Promise((resolve) => {
    holder.child.removeAllListeners("exit");
    holder.child.on("exit", () => resolve());
    holder.child.stdin.end();
  });
}

async function query(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

const reachable = (url: string) => query(url, "SELECT 1").then(() => true, () => false);

afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(checkout, { recursive: true, force: true });
});

describe("the embedded PostgreSQL launcher", () => {
  let url = "";

  it("initialises a fresh data folder on first start and stops when the last user lets go", async () => {
    const first = await hold();
    expect(first.info).toMatchObject({ initialised: true, started: true });
    url = first.info.url;
    await query(url, "CREATE TABLE kept (note text)");
    await query(url, "INSERT INTO kept VALUES ($1)", ["still here"]);
    const mode = (file: string) => fs.statSync(path.join(dataDir, file)).mode & 0o777;
    expect(mode("embedded.json")).toBe(0o600);
    expect(mode("postgres.log")).toBe(0o600);
    expect(mode("postgres")).toBe(0o700);
    // As root the server runs as the postgres user: its group may pass through the folder, no one may list it.
    expect(mode(".")).toBe(process.getuid?.() === 0 ? 0o710 : 0o700);
    await release(first);
    expect(await reachable(url)).toBe(false);
  });

  it("restarts on the same port and password with the data kept", async () => {
    const again = await hold();
    expect(again.info).toEqual({ url, initialised: false, started: true, pid: expect.any(Number) });
    expect(await query(url, "SELECT note FROM kept")).toEqual([{ note: "still here" }]);
    await release(again);
  });

  it("reuses the running server for a second process and keeps it up until both are gone", async () => {
    const app = await hold();
    const second = await hold();
    expect(app.info.started).toBe(true);
    expect(second.info).toMatchObject({ url, initialised: false, started: false });
    await release(app);
    expect(await reachable(url)).toBe(true);
    await release(second);
    expect(await reachable(url)).toBe(false);
  });

  it("lets a CLI start the stopped server for its own work and stop it again", async () => {
    const { stdout } = await promisify(execFile)("npm", ["run", "db:migrate"], { cwd: root, env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "" } });
    expect(stdout).toContain("Starting the embedded PostgreSQL");
    expect(stdout).toContain("Migrations applied.");
    expect(await reachable(url)).toBe(false);
    const check = await hold();
    expect(await query(url, "SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations")).toEqual([{ n: expect.any(Number) }]);
    expect((await query(url, "SELECT to_regclass('public.contacts') AS t"))[0]!.t).toBe("contacts");
    await release(check);
  });

  it("is not kept running by a process that crashed", async () => {
    const crashed = await hold();
    crashed.child.removeAllListeners("exit");
    process.kill(crashed.info.pid, "SIGKILL");
    await new Promise((r) => crashed.child.once("exit", r));
    expect(await reachable(url)).toBe(true);
    const next = await hold();
    expect(next.info.started).toBe(false);
    await release(next);
    expect(await reachable(url)).toBe(false);
  });

  it("starts in a data folder whose parent folders it has to create", async () => {
    const fresh = await hold(path.join(checkout, ".data", "e2e"));
    expect(fresh.info).toMatchObject({ initialised: true, started: true });
    expect(await reachable(fresh.info.url)).toBe(true);
    expect(fs.statSync(path.join(checkout, ".data")).mode & 0o777).toBe(0o755);
    await release(fresh);
  });

  it("starts below a closed folder of the app (the keys' 0700 .data), opening it to the postgres group only", async () => {
    fs.mkdirSync(path.join(root, ".data"), { recursive: true });
    const keys = fs.mkdtempSync(path.join(root, ".data", "keys-"));
    try {
      const nested = await hold(path.join(path.relative(root, keys), "e2e"));
      expect(nested.info).toMatchObject({ initialised: true, started: true });
      expect(fs.statSync(keys).mode & 0o777).toBe(process.getuid?.() === 0 ? 0o710 : 0o700);
      await release(nested);
    } finally {
      fs.rmSync(keys, { recursive: true, force: true });
    }
  });
});
