/** Keeps the embedded PostgreSQL up for the process that launched the app. */

export type Supervised = {
  /** Whether the server's postmaster is alive (cheap: checked every `everyMs`). */
  isUp: () => Promise<boolean>;
  /** Starts the server again (on the same port and data). */
  restart: () => Promise<void>;
  log: (line: string) => void;
  everyMs?: number;
  /** Waits between restart attempts that failed: a server whose old processes still hold its memory refuses to start for a moment. */
  backoffMs?: number[];
};

const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000];

/**
 * Restarts the server when its postmaster dies (a crash, an out-of-memory kill, kill -9), with a line in the
 * log and growing waits between attempts that fail. Returns a function that stops watching.
 */
export function superviseServer(p: Supervised): () => Promise<void> {
  const backoff = p.backoffMs ?? BACKOFF_MS;
  let stopped = false;
  let wake = () => {};
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => (clearTimeout(timer), resolve());
    });

  const restartUntilUp = async () => {
    const downSince = Date.now();
    p.log("The embedded PostgreSQL stopped unexpectedly: restarting it …");
    for (let attempt = 0; !stopped; attempt++) {
      try {
        await p.restart();
        p.log(`The embedded PostgreSQL is running again (down ${((Date.now() - downSince) / 1000).toFixed(1)} s)`);
        return;
      } catch (error) {
        const waitMs = backoff[Math.min(attempt, backoff.length - 1)]!;
        p.log(`Restarting the embedded PostgreSQL failed (${(error as Error).message.split("\n")[0]}): next try in ${waitMs / 1000} s`);
        await sleep(waitMs);
      }
    }
  };

  const watching = (async () => {
    while (!stopped) {
      await sleep(p.everyMs ?? 1_000);
      if (!stopped && !(await p.isUp())) await restartUntilUp();
    }
  })();
  return async () => {
    stopped = true;
    wake();
    await watching;
  };
}
