import fs from "node:fs";
import path from "node:path";
import { generateEventKey, generateSigningKey } from "./signing";

export type ExecutorKeys = { signingKey: string; eventKey: string };

/** The local executor's keys, generated once and kept (0600) in the data folder. */
export function loadExecutorKeys(dataDir: string): ExecutorKeys {
  const file = path.join(dataDir, "inngest.json");
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as ExecutorKeys;
  const keys = { signingKey: generateSigningKey(), eventKey: generateEventKey() };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}
