/** The P1 times measured on this machine, kept in the data folder so a P1 at another size (P6) has its reference. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { env } from "@/lib/env";
import type { P1Record } from "./report";

export const REFERENCE_ROWS = 1_000_000;

const file = () => path.join(env.DATA_DIR, "bench", "p1.json");
const recordsSchema = z.record(z.string(), z.object({ rows: z.number(), seconds: z.number(), peakMb: z.number(), at: z.string(), commit: z.string().optional() }));

function readRecords(): Record<string, P1Record> {
  if (!fs.existsSync(file())) return {};
  const parsed = recordsSchema.safeParse(JSON.parse(fs.readFileSync(file(), "utf8")));
  if (!parsed.success) throw new Error(`${file()} is not a record of P1 measurements: delete it and run P1 again`);
  return parsed.data;
}

const currentCommit = () => {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
};

/** Keeps a P1 measurement as the latest at its size. */
export function recordP1(run: Omit<P1Record, "at" | "commit">) {
  const records = { ...readRecords(), [run.rows]: { ...run, at: new Date().toISOString(), commit: currentCommit() } };
  fs.mkdirSync(path.dirname(file()), { recursive: true });
  fs.writeFileSync(file(), `${JSON.stringify(records, null, 2)}\n`);
}

/** The latest P1 measured at the reference size, if any. */
export const referenceP1 = (): P1Record | undefined => readRecords()[REFERENCE_ROWS];
