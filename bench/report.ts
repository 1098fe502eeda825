/** Turns what a benchmark measured into its printed line, or fails with why it could not measure. */
import { formatNumber } from "@/lib/utils";

/** A benchmark that could not measure what it prints: `npm run bench` reports the reason and exits non-zero. */
export class BenchFailure extends Error {
  override name = "BenchFailure";
}

export type RateBudget = { windowSeconds: number; maxRequests: number };
export type EndedRun = { status: string; error?: string | null };

/** What P3 saw: the receiving server's clock for every request it counted, and how the runs ended. */
export type RateMeasurement = { label: string; budget: RateBudget; receivedAt: number[]; runs: EndedRun[]; wallSeconds: number };

/** One P1 measurement kept on this machine, the reference P6 compares a larger run to. */
export type P1Record = { rows: number; seconds: number; peakMb: number; at: string; commit?: string };

/** A figure that was measured: finite and above zero; anything else fails the bench with what it was. */
export function measured(value: number, what: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new BenchFailure(`${what} was not measured (got ${value})`);
  return value;
}

/** Every run ended "succeeded", or the bench fails with the first run's status and error. */
export function assertRunsSucceeded(runs: EndedRun[], what: string) {
  if (runs.length === 0) throw new BenchFailure(`${what}: no run was measured`);
  const bad = runs.find((r) => r.status !== "succeeded");
  if (bad) throw new BenchFailure(`${what}: a run ended ${bad.status}${bad.error ? `: ${bad.error}` : ""}`);
}

/** Requests that were more than the budget allows in the window that ends with them. */
export function overLimit(receivedAt: number[], budget: RateBudget): number {
  const sorted = [...receivedAt].sort((a, b) => a - b);
  let over = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= budget.windowSeconds * 1000) j++;
    if (i - j + 1 > budget.maxRequests) over++;
  }
  return over;
}

/**
 * How long each request's slot took to be used again: the time from each request to the one `maxRequests`
 * later, which the budget lets be no less than the window. A budget fully used takes each slot again as soon
 * as its window ends, so the window over the mean of these is the share used, however the requests bunch.
 */
function slotReuse(receivedAt: number[], budget: RateBudget) {
  const sorted = [...receivedAt].sort((a, b) => a - b);
  const gaps = sorted.slice(budget.maxRequests).map((t, i) => t - sorted[i]!);
  const mean = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
  const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
  return { used: (budget.windowSeconds * 1000) / mean, medianLagMs: median - budget.windowSeconds * 1000 };
}

/** Budget use and requests over it, both counted at the receiving server; throws when there is not enough to count. */
export function rateBudgetLine(m: RateMeasurement): string {
  const what = `P3 ${m.label}`;
  assertRunsSucceeded(m.runs, what);
  if (m.receivedAt.length === 0) throw new BenchFailure(`${what}: no request reached the receiving server`);
  if (m.receivedAt.length <= m.budget.maxRequests) throw new BenchFailure(`${what}: ${m.receivedAt.length} requests reached the receiving server, too few to fill the budget of ${m.budget.maxRequests} once`);
  const seconds = (Math.max(...m.receivedAt) - Math.min(...m.receivedAt)) / 1000;
  const { used, medianLagMs } = slotReuse(m.receivedAt, m.budget);
  return `${what}, budget ${m.budget.maxRequests} requests / ${m.budget.windowSeconds} s: ${formatNumber(m.receivedAt.length)} requests in ${seconds.toFixed(1)} s, budget utilisation ${(used * 100).toFixed(1)}% (a slot taken again ${Math.round(medianLagMs)} ms after its window, median), requests over the limit ${overLimit(m.receivedAt, m.budget)} (wall ${measured(m.wallSeconds, `${what}'s wall time`).toFixed(1)} s)`;
}

/** P6: a P1 run at another size beside the reference measured at `reference.rows`, when there is one. */
export function scaleLine(run: Omit<P1Record, "at" | "commit">, reference: P1Record | undefined): string {
  const head = `P6 scale ${formatNumber(run.rows)} rows: ${measured(run.seconds, "P6's time").toFixed(1)} s, peak RSS of the app process ${Math.round(measured(run.peakMb, "P6's peak RSS"))} MB`;
  if (!reference) return `${head} — no ratio: no P1 at 1,000,000 rows measured on this machine yet (\`npm run bench -- P1\`)`;
  const ratio = run.seconds / measured(reference.seconds, "the reference P1 time");
  return `${head}, ${ratio.toFixed(2)}× the ${formatNumber(reference.rows)}-row time (${reference.seconds.toFixed(1)} s, peak RSS ${Math.round(reference.peakMb)} MB, measured ${reference.at}${reference.commit ? ` at ${reference.commit}` : ""}; linear would be ${(run.rows / reference.rows).toFixed(2)}×)`;
}
