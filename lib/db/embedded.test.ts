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
// As root the server runs as the postgres user, who must be able to reach the data folder.
fs.chmodSync(dataDir, 0o755);
const children: ChildProcessWithoutNullStreams[] = [];

type Holder = { child: ChildProcessWithoutNullStreams; info: { url: string; initialised: boolean; started: boolean; pid: number } };

/** Starts a process that joins the embedded server and holds it until released. */
function hold(): Promise<Holder> {
  const child = spawn(tsx, ["--conditions=react-server", "lib/testing/hold-embedded.ts"], { cwd: root, env: { ...process.env, DATA_DIR: dataDir } });
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
});

describe("the embedded PostgreSQL launcher", () => {
  let url = "";

  it("initialises a fresh data folder on first start and stops when the last user lets go", async () => {
    const first = await hold();
    expect(first.info).toMatchObject({ initialised: true, started: true });
    url = first.info.url;
    await query(url, "CREATE TABLE kept (note text)");
    await query(url, "INSERT INTO kept VALUES ($1)", ["still here"]);
    const settings = fs.statSync(path.join(dataDir, "embedded.json"));
    expect(settings.mode & 0o777).toBe(0o600);
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
});
