/** Durations as the SDK writes them: "30s", "1h30m", "2d", "1w", or an ISO date for sleepUntil. */
const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function durationMs(text: string | undefined): number {
  if (!text) return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)];
  if (parts.length && parts.map((p) => p[0]).join("") === text) return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNITS[unit!]!, 0);
  const at = Date.parse(text);
  if (!Number.isNaN(at)) return at - Date.now();
  throw new Error(`Cannot read the duration "${text}"`);
}
