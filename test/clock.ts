import type { Clock } from "@/connectors/types";

/** A connector's clock that moves only when the test says (or a connector sleeps on it): time passes without waiting. */
export function manualClock(start = Date.parse("2026-01-01T00:00:00Z")): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}
