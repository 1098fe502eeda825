/** Child processes for tests: started with the test database and fresh job-runtime keys, killed as a group. */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { appRuntimeEnv } from "./runtime-env";

const children: ChildProcess[] = [];

export type TestProcess = { child: ChildProcess; output: () => string; waitFor: (text: string | RegExp, timeoutMs?: number) => Promise<string> };

/** Runs a TypeScript file of the project in its own process group. */
export async function startProcess(file: string, env: Record<string, string> = {}): Promise<TestProcess> {
  const child = spawn(path.resolve("node_modules/.bin/tsx"), ["--conditions=react-server", file], {
    env: { ...process.env, ...(await appRuntimeEnv()), ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d));
  child.stderr!.on("data", (d: Buffer) => (out += d));
  const waitFor = async (text: string | RegExp, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = typeof text === "string" ? (out.includes(text) ? text : undefined) : out.match(text)?.[0];
      if (match) return match;
      if (child.exitCode !== null) throw new Error(`${file} exited with ${child.exitCode} before printing ${String(text)}:\n${out}`);
      if (Date.now() > deadline) throw new Error(`${file} did not print ${String(text)} within ${timeoutMs} ms:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, output: () => out, waitFor };
}

export function killGroup(p: TestProcess) {
  try {
    process.kill(-p.child.pid!, "SIGKILL");
  } catch {
    // already gone
  }
}

export function killAll() {
  for (const child of children) if (child.pid) killGroup({ child } as TestProcess);
}
