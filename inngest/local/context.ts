import type { Db } from "@/lib/db/client";
import type { FunctionConfig } from "./schema";

export type RegisteredFunction = { id: string; url: string; config: FunctionConfig };

/** What every part of the executor shares. */
export type ExecutorContext = {
  db: Db;
  signingKey: string;
  /** Multiplies every wait (sleeps, timeouts, backoff, debounce); tests run with a small factor. */
  timeScale: number;
  functions: Map<string, RegisteredFunction>;
  /** Wakes the worker loop when new work is due now. */
  notify: () => void;
  log: (line: string) => void;
};

export const LIMITS = {
  stepsPerRun: 1_000,
  stepOutputBytes: 4 * 1024 * 1024,
  runStateBytes: 32 * 1024 * 1024,
  eventBytes: 256 * 1024,
  eventsPerSend: 5_000,
  dedupeWindowMs: 24 * 3_600_000,
  callTimeoutMs: 2 * 3_600_000,
};

export const scaled = (ctx: ExecutorContext, ms: number) => Math.max(0, Math.round(ms * ctx.timeScale));

/** Exponential backoff for retries: 1 s, 2 s, 4 s … capped at 10 minutes, with some jitter. */
export function backoffMs(ctx: ExecutorContext, attempt: number): number {
  const base = Math.min(1_000 * 2 ** Math.max(0, attempt - 1), 600_000);
  return scaled(ctx, base * (1 + Math.random() * 0.2));
}
