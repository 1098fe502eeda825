import { expect, it } from "vitest";
import { superviseServer } from "./embedded-supervisor";

it("restarts a server that went down, waiting longer after each attempt that fails, and says so in the log", async () => {
  let up = true;
  const attempts: number[] = [];
  const lines: string[] = [];
  const stop = superviseServer({
    isUp: async () => up,
    restart: async () => {
      attempts.push(Date.now());
      if (attempts.length < 3) throw new Error("pre-existing shared memory block is still in use\nHINT: …");
      up = true;
    },
    log: (line) => lines.push(line),
    everyMs: 5,
    backoffMs: [40, 120],
  });
  await new Promise((r) => setTimeout(r, 30));
  expect(attempts).toEqual([]);
  up = false;
  while (!up) await new Promise((r) => setTimeout(r, 5));
  await stop();
  expect(attempts).toHaveLength(3);
  expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(35);
  expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(110);
  expect(lines).toEqual([
    "The embedded PostgreSQL stopped unexpectedly: restarting it …",
    "Restarting the embedded PostgreSQL failed (pre-existing shared memory block is still in use): next try in 0.04 s",
    "Restarting the embedded PostgreSQL failed (pre-existing shared memory block is still in use): next try in 0.12 s",
    expect.stringMatching(/^The embedded PostgreSQL is running again \(down [\d.]+ s\)$/),
  ]);
});
