/** Whether a sandbox injects its fault into this request: at the configured share of requests, in a repeatable (seeded) order. */
export function faultDraw(setting: () => { rate: number; seed?: number } | undefined) {
  let state: number | undefined;
  return () => {
    const fault = setting();
    if (!fault) return false;
    state = ((state ?? fault.seed ?? 11) * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31 < fault.rate;
  };
}

export type Latency = { minMs: number; maxMs: number; seed?: number };

/**
 * Waits as long as a request takes to reach the vendor (the network, a queue in front of its API): between
 * `minMs` and `maxMs`, in a repeatable (seeded) order. The vendor's clock counts the request after it.
 */
export function latencyDraw(setting: () => Latency | undefined) {
  let state: number | undefined;
  return async () => {
    const latency = setting();
    if (!latency) return;
    state = ((state ?? latency.seed ?? 7) * 1103515245 + 12345) % 2 ** 31;
    await new Promise((r) => setTimeout(r, latency.minMs + (state! / 2 ** 31) * (latency.maxMs - latency.minMs)));
  };
}

/** The most requests received in any interval of `windowMs` (a sliding window over the receiver's own clock). */
export function maxInWindow(receivedAt: number[], windowMs: number) {
  const times = [...receivedAt].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
