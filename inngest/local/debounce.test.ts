import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { connectTestDb } from "@/test/db";
import { type Harness, startHarness } from "@/test/inngest-harness";
import { listRuns } from "./state";
import { inngestQueue } from "./schema";

const { db } = connectTestDb();
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the local executor's debounce, as Inngest defines it", () => {
  it("runs a steady stream at the latest `timeout` after its first event, with the latest event, and leaves no event behind", async () => {
    const h = (harness = await startHarness(db, (inngest) => [
      inngest.createFunction({ id: "stream", debounce: { key: "event.data.k", period: "0.4s", timeout: "1s" }, triggers: [{ event: "test/stream" }] }, async ({ event }) => event.data.n),
    ], { timeScale: 1 }));
    const first = Date.now();
    // An event every 100 ms: the stream never stays quiet for a whole period.
    for (let n = 1; n <= 20; n++) {
      await h.executor.send({ name: "test/stream", data: { k: "x", n } });
      await sleep(first + n * 100 - Date.now());
    }
    await expect.poll(async () => (await listRuns(db, h.fnId("stream"))).some((r) => r.output === 20), { timeout: 10_000 }).toBe(true);
    const runs = await listRuns(db, h.fnId("stream"));
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.length).toBeLessThanOrEqual(4);
    expect(runs[0]!.startedAt!.getTime() - first).toBeGreaterThanOrEqual(1_000);
    expect(runs[0]!.startedAt!.getTime() - first).toBeLessThan(1_600);
    const outputs = runs.map((r) => r.output as number);
    expect(outputs).toEqual([...outputs].sort((a, b) => a - b));
    expect(outputs[0]).toBeGreaterThan(1);
  });

  it("opens a new debounce for an event that arrives once a worker took the pending run", async () => {
    const h = (harness = await startHarness(db, (inngest) => [
      inngest.createFunction({ id: "taken", debounce: { key: "event.data.k", period: "0.3s" }, triggers: [{ event: "test/taken" }] }, async ({ event }) => event.data.n),
    ], { timeScale: 1 }));
    await h.executor.send({ name: "test/taken", data: { k: "x", n: 1 } });
    // Another executor process claims the due call (its lease runs for a second).
    await db.update(inngestQueue).set({ leaseOwner: "other-executor", leaseUntil: sql`now() + interval '1 second'` }).where(eq(inngestQueue.functionId, h.fnId("taken")));
    await h.executor.send({ name: "test/taken", data: { k: "x", n: 2 } });
    const runs = await h.settled("taken", 2);
    expect(runs.map((r) => r.output).sort()).toEqual([1, 2]);
  });

  it("starts a debounced run when its period ends, not at the executor's next poll", async () => {
    const h = (harness = await startHarness(db, (inngest) => [
      inngest.createFunction({ id: "on-time", debounce: { period: "0.3s" }, triggers: [{ event: "test/on-time" }] }, async () => "done"),
    ], { timeScale: 1, pollMs: 3_000 }));
    const sent = Date.now();
    await h.executor.send({ name: "test/on-time", data: {} });
    const [run] = await h.settled("on-time");
    expect(run!.startedAt!.getTime() - sent).toBeGreaterThanOrEqual(300);
    expect(run!.startedAt!.getTime() - sent).toBeLessThan(1_000);
  });
});
