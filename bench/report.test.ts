import { describe, expect, it } from "vitest";
import { BenchFailure, rateBudgetLine, scaleLine } from "./report";

const budget = { windowSeconds: 2, maxRequests: 40 };
/** `count` requests received `gapMs` apart from `startMs`. */
const spaced = (count: number, gapMs: number, startMs = 0) => Array.from({ length: count }, (_, i) => startMs + i * gapMs);
const succeeded = [{ status: "succeeded" }];

describe("a benchmark that cannot measure fails loudly instead of printing a figure", () => {
  it("refuses a rate budget measurement in which the receiving server counted no request", () => {
    expect(() => rateBudgetLine({ label: "one sync", budget, receivedAt: [], runs: succeeded, wallSeconds: 1 })).toThrow(/no request reached the receiving server/);
  });

  it("refuses a measurement whose run did not succeed, with the run's own error", () => {
    const runs = [{ status: "succeeded" }, { status: "failed", error: "127.0.0.1 is a private or reserved address" }];
    expect(() => rateBudgetLine({ label: "two syncs", budget, receivedAt: spaced(80, 50), runs, wallSeconds: 4 })).toThrow(/run ended failed: 127\.0\.0\.1 is a private or reserved address/);
  });

  it("refuses a measurement without any run", () => {
    expect(() => rateBudgetLine({ label: "one sync", budget, receivedAt: spaced(80, 50), runs: [], wallSeconds: 4 })).toThrow(/no run/);
  });

  it("refuses a measurement too short to fill the budget once", () => {
    expect(() => rateBudgetLine({ label: "one sync", budget, receivedAt: spaced(40, 50), runs: succeeded, wallSeconds: 2 })).toThrow(/40 requests reached the receiving server, too few/);
  });

  it("prints the share of the budget used and the requests over it, as the receiving server counted them", () => {
    const fullWindows = [...spaced(40, 10), ...spaced(40, 10, 2_000), ...spaced(40, 10, 4_000)];
    expect(rateBudgetLine({ label: "one sync", budget, receivedAt: fullWindows, runs: succeeded, wallSeconds: 5 })).toBe(
      "P3 one sync, budget 40 requests / 2 s: 120 requests in 4.4 s, budget utilisation 100.0% (a slot taken again 0 ms after its window, median), requests over the limit 0 (wall 5.0 s)",
    );
    const late = [...spaced(40, 10), ...spaced(40, 10, 2_200), ...spaced(40, 10, 4_400)];
    expect(rateBudgetLine({ label: "one sync", budget, receivedAt: late, runs: succeeded, wallSeconds: 5 })).toMatch(/budget utilisation 90\.9% \(a slot taken again 200 ms after its window, median\), requests over the limit 0 /);
    expect(rateBudgetLine({ label: "one sync", budget, receivedAt: spaced(42, 10), runs: succeeded, wallSeconds: 1 })).toMatch(/42 requests in 0\.4 s, budget utilisation 500\.0% .* requests over the limit 2 /);
  });
});

describe("P6, a P1 run at another size", () => {
  const reference = { rows: 1_000_000, seconds: 40, peakMb: 300, at: "2026-12-06T12:00:00.000Z", commit: "bae947e" };

  it("prints its time and peak RSS beside the 1M time when both were measured", () => {
    expect(scaleLine({ rows: 10_000_000, seconds: 420, peakMb: 410.4 }, reference)).toBe(
      "P6 scale 10,000,000 rows: 420.0 s, peak RSS of the app process 410 MB, 10.50× the 1,000,000-row time (40.0 s, peak RSS 300 MB, measured 2026-12-06T12:00:00.000Z at bae947e; linear would be 10.00×)",
    );
  });

  it("prints no ratio when the 1M time was never measured", () => {
    expect(scaleLine({ rows: 20_000, seconds: 2, peakMb: 200 }, undefined)).toMatch(/^P6 scale 20,000 rows: 2\.0 s, peak RSS of the app process 200 MB — no ratio: /);
  });

  it("fails instead of printing a time or memory that was not measured", () => {
    expect(() => scaleLine({ rows: 20_000, seconds: -Infinity, peakMb: 200 }, reference)).toThrow(BenchFailure);
    expect(() => scaleLine({ rows: 20_000, seconds: 2, peakMb: Number.NaN }, reference)).toThrow(/P6's peak RSS was not measured/);
  });
});
