import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, inject, it } from "vitest";
import { connectTestDb } from "@/test/db";
import { generateEventKey, generateSigningKey } from "./signing";
import { listRuns } from "./state";

const { db } = connectTestDb();
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.pid && tryKill(-c.pid)));

function tryKill(pid: number) {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

/** Starts the app + executor process; resolves once it has registered its function. */
function startApp(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(path.resolve("node_modules/.bin/tsx"), ["--conditions=react-server", "test/crash-app.ts"], {
    env: { ...process.env, ...env, DATABASE_URL: inject("databaseUrl") },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d) && out.includes("ready") && resolve(child));
    child.stderr!.on("data", (d: Buffer) => (out += d));
    child.on("exit", (code) => reject(new Error(`app exited with ${code}: ${out}`)));
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("crash-resume", () => {
  it("resumes a run after the process running app and executor is killed; only the in-flight step runs again", async () => {
    await db.execute(sql`CREATE TABLE IF NOT EXISTS crash_marks (run_id text, step text, pid int, at timestamptz DEFAULT clock_timestamp())`);
    const env = { SIGNING_KEY: generateSigningKey(), EVENT_KEY: generateEventKey(), EXECUTOR_PORT: String(await freePort()) };
    const first = await startApp(env);
    const sent = await fetch(`http://127.0.0.1:${env.EXECUTOR_PORT}/e/${env.EVENT_KEY}`, { method: "POST", body: JSON.stringify([{ name: "test/crash", data: {} }]) });
    expect(sent.status).toBe(200);

    const runId = await until("the run", async () => (await listRuns(db, "crash-app-five-steps"))[0]?.id);
    const marks = async () => (await db.execute<{ step: string; pid: number }>(sql`SELECT step, pid FROM crash_marks WHERE run_id = ${runId} ORDER BY at`)).rows;
    await until("step three to be in flight", async () => ((await marks()).some((m) => m.step === "three:start") ? true : undefined));
    first.removeAllListeners("exit");
    process.kill(-first.pid!, "SIGKILL");

    const workerPid = (await marks())[0]!.pid;
    await until("the killed process to be gone", async () => (isAlive(workerPid) ? undefined : true));

    const second = await startApp(env);
    const run = await until("the run to finish", async () => {
      const [r] = await listRuns(db, "crash-app-five-steps");
      return r?.status === "completed" ? r : undefined;
    });
    expect(run.output).toBe("done");

    const seen = await marks();
    const count = (step: string) => seen.filter((m) => m.step === step).length;
    expect(["one:start", "one:end", "two:start", "two:end"].map(count)).toEqual([1, 1, 1, 1]);
    expect(count("three:start")).toBe(2);
    expect(count("three:end")).toBe(1);
    expect(["four:start", "four:end", "five:start", "five:end"].map(count)).toEqual([1, 1, 1, 1]);
    expect(seen.filter((m) => m.step.startsWith("four") || m.step.startsWith("five")).every((m) => m.pid !== workerPid)).toBe(true);
    process.kill(-second.pid!, "SIGKILL");
  });
});
