import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { recordP1, referenceP1 } from "./history";

const dataDir = env.DATA_DIR;
beforeEach(() => void (env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "bench-history-"))));
afterEach(() => {
  fs.rmSync(env.DATA_DIR, { recursive: true, force: true });
  env.DATA_DIR = dataDir;
});

describe("the P1 times P6 compares to", () => {
  it("are the latest P1 measured at 1,000,000 rows on this machine, not one at another size", () => {
    expect(referenceP1()).toBeUndefined();
    recordP1({ rows: 20_000, seconds: 4, peakMb: 230 });
    expect(referenceP1()).toBeUndefined();
    recordP1({ rows: 1_000_000, seconds: 44.4, peakMb: 388 });
    recordP1({ rows: 1_000_000, seconds: 40.1, peakMb: 350 });
    expect(referenceP1()).toMatchObject({ rows: 1_000_000, seconds: 40.1, peakMb: 350 });
    expect(Date.parse(referenceP1()!.at)).not.toBeNaN();
  });

  it("refuse a file that is not a record of P1 measurements instead of comparing to it", () => {
    fs.mkdirSync(path.join(env.DATA_DIR, "bench"));
    fs.writeFileSync(path.join(env.DATA_DIR, "bench", "p1.json"), JSON.stringify({ 1000000: { seconds: "fast" } }));
    expect(() => referenceP1()).toThrow(/is not a record of P1 measurements/);
  });
});
