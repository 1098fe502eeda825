import { afterEach, describe, expect, it } from "vitest";
import { connectTestDb } from "@/test/db";
import { type Harness, startHarness } from "@/test/inngest-harness";

const { db } = connectTestDb();
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe("the local executor fails loudly where Inngest Cloud would", () => {
  it("refuses a run of more than 1,000 steps, a step output over 4 MiB and run state over 32 MiB", async () => {
    const h = (harness = await startHarness(db, (inngest) => [
      inngest.createFunction({ id: "many", triggers: [{ event: "test/many" }] }, async ({ step }) =>
        Promise.all(Array.from({ length: 1_001 }, (_, i) => step.run(`s${i}`, () => i))),
      ),
      inngest.createFunction({ id: "huge", triggers: [{ event: "test/huge" }] }, async ({ step }) => step.run("huge", () => "x".repeat(4.5 * 1024 * 1024))),
      inngest.createFunction({ id: "hoard", triggers: [{ event: "test/hoard" }] }, async ({ step }) => {
        for (let i = 0; i < 9; i++) await step.run(`chunk-${i}`, () => "y".repeat(3.8 * 1024 * 1024));
      }),
    ]));
    await h.executor.send([
      { name: "test/many", data: {} },
      { name: "test/huge", data: {} },
      { name: "test/hoard", data: {} },
    ]);
    const [many] = await h.settled("many");
    expect(many!.status).toBe("failed");
    expect(many!.error?.message).toBe("The run has more than 1,000 steps, Inngest's limit for one run: do the work in fewer, larger steps");
    const [huge] = await h.settled("huge");
    expect(huge!.error?.message).toBe('Step "huge" returned 4.5 MiB; Inngest refuses step outputs over 4 MiB');
    const [hoard] = await h.settled("hoard", 1, 60_000);
    expect(hoard!.error?.message).toBe("The run's state grew over 32 MiB, Inngest's limit for one run");
    expect(hoard!.steps.filter((s) => s.status === "completed")).toHaveLength(8);
    // A thousand steps and 32 MiB of state take most of a minute on a loaded 2-core machine.
  }, 180_000);

  it("refuses an event over 256 KiB, and the SDK's send reports it", async () => {
    const h = (harness = await startHarness(db, (inngest) => [inngest.createFunction({ id: "noop", triggers: [{ event: "test/big" }] }, async () => null)]));
    const big = { name: "test/big", data: { blob: "z".repeat(300 * 1024) } };
    await expect(h.executor.send(big)).rejects.toThrow(/Event 0 is 300 KiB; Inngest refuses events over 256 KiB/);
    await expect(h.client.send(big)).rejects.toThrow();
  });
});
