/** Ports for test servers that must be named before they listen (an address other processes are given). */
import net from "node:net";

/** Linux hands out ports from 32768 up to servers listening on port 0: stay below, where none of them can land. */
const FIRST = 20_000;
const COUNT = 12_000;

const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });

/**
 * A free port that a server listening on port 0 (the test sandboxes) cannot take between this check and
 * the moment its owner listens — the race that made a runtime fail with EADDRINUSE under a full suite.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = FIRST + Math.floor(Math.random() * COUNT);
    if (await canListen(port)) return port;
  }
}
