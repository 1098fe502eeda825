import { NonRetriableError } from "inngest";
import { afterEach, describe, expect, it } from "vitest";
import { connectTestDb } from "@/test/db";
import { type Harness, startHarness } from "@/test/inngest-harness";

const { db } = connectTestDb();
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});
const start = async (...args: Parameters<typeof startHarness> extends [unknown, ...infer R] ? R : never) => (harness = await startHarness(db, ...args));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the local executor drives Inngest functions through the real serve handler", () => {
  it("memoizes steps: each step's callback runs once although the function body replays", async () => {
    const calls = { a: 0, b: 0, body: 0 };
    const h = await start((inngest) => [
      inngest.createFunction({ id: "memo", triggers: [{ event: "test/memo" }] }, async ({ step }) => {
        calls.body++;
        const a = await step.run("a", () => ++calls.a);
        const b = await step.run("b", () => ++calls.b + a);
        return { a, b };
      }),
    ]);
    await h.executor.send({ name: "test/memo", data: {} });
    const [run] = await h.settled("memo");
    expect(run!.status).toBe("completed");
    expect(run!.output).toEqual({ a: 1, b: 2 });
    expect(calls).toMatchObject({ a: 1, b: 1 });
    expect(calls.body).toBeGreaterThanOrEqual(3);
    expect(run!.steps.map((s) => [s.name, s.status])).toEqual([
      ["a", "completed"],
      ["b", "completed"],
    ]);
  });

  it("retries a failing step with the attempt number visible, then carries on", async () => {
    const attempts: number[] = [];
    const h = await start((inngest) => [
      inngest.createFunction({ id: "flaky", retries: 3, triggers: [{ event: "test/flaky" }] }, async ({ step, attempt }) =>
        step.run("flaky", () => {
          attempts.push(attempt);
          if (attempt < 2) throw new Error(`boom ${attempt}`);
          return "ok";
        }),
      ),
    ]);
    await h.executor.send({ name: "test/flaky", data: {} });
    const [run] = await h.settled("flaky");
    expect(run!.status).toBe("completed");
    expect(attempts).toEqual([0, 1, 2]);
    expect(run!.attempts.filter((a) => a.stepName === "flaky").map((a) => [a.attempt, a.outcome, a.error?.message ?? null])).toEqual([
      [0, "error", "boom 0"],
      [1, "error", "boom 1"],
      [2, "completed", null],
    ]);
  });

  it("stops at once on NonRetriableError and runs onFailure with the original event", async () => {
    const failures: unknown[] = [];
    let tries = 0;
    const h = await start((inngest) => [
      inngest.createFunction(
        {
          id: "doomed",
          retries: 5,
          triggers: [{ event: "test/doomed" }],
          onFailure: async ({ event, error }: { event: { data: { event: { data: unknown } } }; error: Error }) => {
            failures.push({ original: event.data.event.data, message: error.message });
          },
        },
        async ({ step }) =>
          step.run("refuse", () => {
            tries++;
            throw new NonRetriableError("bad credentials");
          }),
      ),
    ]);
    await h.executor.send({ name: "test/doomed", data: { syncId: "s1" } });
    const [run] = await h.settled("doomed");
    expect(run!.status).toBe("failed");
    expect(run!.error?.message).toBe("bad credentials");
    expect(tries).toBe(1);
    await h.settled("doomed-failure");
    expect(failures).toEqual([{ original: { syncId: "s1" }, message: "bad credentials" }]);
  });

  it("fails a run after its last retry", async () => {
    let tries = 0;
    const h = await start((inngest) => [
      inngest.createFunction({ id: "always", retries: 2, triggers: [{ event: "test/always" }] }, async ({ step }) =>
        step.run("always", () => {
          tries++;
          throw new Error("still down");
        }),
      ),
    ]);
    await h.executor.send({ name: "test/always", data: {} });
    const [run] = await h.settled("always");
    expect(run!.status).toBe("failed");
    expect(run!.error?.message).toBe("still down");
    expect(tries).toBe(3);
  });

  it("sleeps (time-scaled) and resumes", async () => {
    const h = await start((inngest) => [
      inngest.createFunction({ id: "nap", triggers: [{ event: "test/nap" }] }, async ({ step }) => {
        const before = await step.run("before", () => Date.now());
        await step.sleep("wait", "1h");
        return { slept: (await step.run("after", () => Date.now())) - before };
      }),
    ], { timeScale: 0.0002 });
    await h.executor.send({ name: "test/nap", data: {} });
    const [run] = await h.settled("nap");
    expect(run!.status).toBe("completed");
    expect((run!.output as { slept: number }).slept).toBeGreaterThanOrEqual(700);
    expect(run!.steps.find((s) => s.name === "wait")).toMatchObject({ op: "Sleep", status: "completed" });
  });

  it("fans out with sendEvent and returns a child's result through invoke", async () => {
    const h = await start((inngest) => {
      const child = inngest.createFunction({ id: "double", triggers: [{ event: "test/double" }] }, async ({ event }) => ({ doubled: (event.data.n as number) * 2 }));
      return [
        child,
        inngest.createFunction({ id: "greet", triggers: [{ event: "test/greet" }] }, async ({ event }) => `hello ${event.data.who}`),
        inngest.createFunction({ id: "parent", triggers: [{ event: "test/parent" }] }, async ({ step }) => {
          await step.sendEvent("fan-out", [
            { name: "test/greet", data: { who: "ana" } },
            { name: "test/greet", data: { who: "bo" } },
          ]);
          return step.invoke("ask-child", { function: child, data: { n: 21 } });
        }),
      ];
    });
    await h.executor.send({ name: "test/parent", data: {} });
    const [parent] = await h.settled("parent");
    expect(parent!.output).toEqual({ doubled: 42 });
    const greets = await h.settled("greet", 2);
    expect(greets.map((g) => g.output).sort()).toEqual(["hello ana", "hello bo"]);
  });

  it("runs parallel steps concurrently, each once", async () => {
    const windows: [number, number][] = [];
    const h = await start((inngest) => [
      inngest.createFunction({ id: "fan", triggers: [{ event: "test/fan" }] }, async ({ step }) => {
        const parts = await Promise.all(
          [1, 2, 3].map((n) =>
            step.run(`part-${n}`, async () => {
              const from = Date.now();
              await sleep(300);
              windows.push([from, Date.now()]);
              return n * 10;
            }),
          ),
        );
        return step.run("sum", () => parts.reduce((a, b) => a + b, 0));
      }),
    ]);
    await h.executor.send({ name: "test/fan", data: {} });
    const [run] = await h.settled("fan");
    expect(run!.output).toBe(60);
    expect(windows).toHaveLength(3);
    const overlap = Math.min(...windows.map((w) => w[1])) - Math.max(...windows.map((w) => w[0]));
    expect(overlap).toBeGreaterThan(0);
  });

  it("waits for a matching event, and times out when none comes", async () => {
    const h = await start((inngest) => [
      inngest.createFunction({ id: "approval", triggers: [{ event: "test/order" }] }, async ({ step }) => {
        const approved = await step.waitForEvent("approval", { event: "test/approved", timeout: "1h", if: "event.data.order == async.data.order" });
        return approved ? `approved by ${approved.data.by}` : "timed out";
      }),
    ], { timeScale: 0.0005 });
    await h.executor.send([
      { name: "test/order", data: { order: 1 } },
      { name: "test/order", data: { order: 2 } },
    ]);
    await sleep(300);
    await h.executor.send({ name: "test/approved", data: { order: 1, by: "ana" } });
    const runs = await h.settled("approval", 2);
    expect(runs.map((r) => [r.event.data.order, r.output])).toEqual([
      [1, "approved by ana"],
      [2, "timed out"],
    ]);
  });

  it("serialises runs with the same concurrency key while other keys proceed", async () => {
    const spans: { key: string; from: number; to: number }[] = [];
    const h = await start((inngest) => [
      inngest.createFunction({ id: "serial", concurrency: { limit: 1, key: "event.data.key" }, triggers: [{ event: "test/serial" }] }, async ({ event, step }) =>
        step.run("work", async () => {
          const from = Date.now();
          await sleep(400);
          spans.push({ key: event.data.key as string, from, to: Date.now() });
        }),
      ),
    ]);
    await h.executor.send([
      { name: "test/serial", data: { key: "a" } },
      { name: "test/serial", data: { key: "a" } },
      { name: "test/serial", data: { key: "b" } },
    ]);
    await h.settled("serial", 3);
    const [a1, a2] = spans.filter((s) => s.key === "a").sort((x, y) => x.from - y.from);
    const b = spans.find((s) => s.key === "b")!;
    expect(a2!.from).toBeGreaterThanOrEqual(a1!.to);
    expect(b.from).toBeLessThan(a1!.to);
  });

  it("fires cron triggers once per due time", async () => {
    const h = await start((inngest) => [inngest.createFunction({ id: "tick", triggers: [{ cron: "* * * * * *" }] }, async ({ event }) => event.name)]);
    await sleep(2_300);
    const runs = await h.settled("tick", 2);
    expect(runs.every((r) => r.output === "inngest/scheduled.timer")).toBe(true);
    const seconds = runs.map((r) => Math.floor(r.event.ts / 1000));
    expect(new Set(seconds).size).toBe(seconds.length);
  });

  it("debounces bursts and ignores an event id seen in the last 24 hours", async () => {
    const h = await start((inngest) => [
      inngest.createFunction({ id: "settle", debounce: { period: "10m", key: "event.data.k" }, triggers: [{ event: "test/settle" }] }, async ({ event }) => event.data.n),
      inngest.createFunction({ id: "once", triggers: [{ event: "test/once" }] }, async ({ event }) => event.data.n),
    ], { timeScale: 0.001 });
    for (const n of [1, 2, 3]) await h.executor.send({ name: "test/settle", data: { k: "x", n } });
    await h.executor.send({ name: "test/settle", data: { k: "y", n: 9 } });
    const settled = await h.settled("settle", 2);
    expect(settled.map((r) => r.output).sort()).toEqual([3, 9]);

    const first = await h.executor.send({ name: "test/once", data: { n: 1 }, id: "same" });
    const again = await h.executor.send({ name: "test/once", data: { n: 2 }, id: "same" });
    expect(again).toEqual(first);
    await sleep(200);
    expect((await h.settled("once", 1)).map((r) => r.output)).toEqual([1]);
  });

  it("cancels a run when its cancelOn event arrives", async () => {
    let after = 0;
    const h = await start((inngest) => [
      inngest.createFunction({ id: "cancellable", cancelOn: [{ event: "test/stop", if: "event.data.id == async.data.id" }], triggers: [{ event: "test/go" }] }, async ({ step }) => {
        await step.sleep("long", "1h");
        await step.run("after", () => ++after);
      }),
    ], { timeScale: 0.001 });
    await h.executor.send([
      { name: "test/go", data: { id: 1 } },
      { name: "test/go", data: { id: 2 } },
    ]);
    await sleep(300);
    await h.executor.send({ name: "test/stop", data: { id: 1 } });
    const runs = await h.settled("cancellable", 2, 20_000);
    expect(runs.map((r) => [r.event.data.id, r.status])).toEqual([
      [1, "cancelled"],
      [2, "completed"],
    ]);
    expect(after).toBe(1);
  });
});
