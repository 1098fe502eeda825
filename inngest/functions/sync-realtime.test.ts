import { eq, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createConnection } from "@/lib/connections/save";
import { insertDataset } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { syncRuns } from "@/lib/db/schema";
import { datasetDefinitionSchema } from "@/lib/datasets/definition";
import { env } from "@/lib/env";
import { startAppRuntime } from "@/test/app-runtime";
import { apiAs } from "@/test/api";
import { connectTestDb, newWorkspace } from "@/test/db";
import { type Destination, postgresDestination } from "@/test/destinations";

const { db } = connectTestDb();
let runtime: Awaited<ReturnType<typeof startAppRuntime>>;
let dest: Destination;
let post: (entity: string, records: unknown[]) => Promise<number>;
let syncId: string;
let workspaceId: string;

beforeAll(async () => {
  runtime = await startAppRuntime(db, { timeScale: 1 });
  const route = await import("@/app/api/v1/entities/[entity]/records/route");
  workspaceId = await newWorkspace(db);
  const api = await apiAs(db, workspaceId);
  post = async (entity, records) => (await api.call(route.POST, { path: `/entities/${entity}/records`, params: { entity }, body: { records } })).status;
  dest = await postgresDestination();
  await dest.query("CREATE TABLE leads (lead_id text PRIMARY KEY, email text)");
  const dataset = await insertDataset(db, { workspaceId, name: `Real-time leads ${Date.now()}`, definition: datasetDefinitionSchema.parse({ baseEntity: "contacts", fields: ["id", "email"] }) });
  const connection = await createConnection(db, { workspaceId, connector: "postgres", name: "Leads DB", settings: dest.settings, secrets: dest.secrets });
  const sync = await createSync(db, {
    workspaceId,
    input: {
      name: "Leads in real time",
      datasetId: dataset.id,
      filter: { type: "group", combinator: "and", children: [{ type: "condition", column: "id", operator: "starts_with", value: "rt-" }] },
      connectionId: connection.id,
      object: "leads",
      mapping: [{ from: { field: "email" }, to: "email" }],
      matchKey: { from: "id", to: "lead_id" },
      schedule: { type: "realtime" },
    },
  });
  syncId = sync.id;
});
afterAll(async () => {
  await runtime?.stop();
  await dest?.close();
});

const runsOf = () => db.query.syncRuns.findMany({ where: eq(syncRuns.syncId, syncId) });
/** Sync job runs (real-time fan-out, real-time run, sync run) the runtime started for this workspace since `since`. */
const jobRunsSince = async (since: Date) => {
  const rows = await db.execute<{ fn: string; runs: number }>(
    sql`SELECT substring(function_id from 'sync-.*') AS fn, count(*)::int AS runs FROM inngest_runs
        WHERE function_id LIKE '%-sync-%' AND event->'data'->>'workspaceId' = ${workspaceId} AND created_at >= ${since.toISOString()}::timestamptz GROUP BY 1`,
  );
  return Object.fromEntries(rows.rows.map((r) => [r.fn, r.runs]));
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lead = (n: string) => ({ id: `rt-${n}`, email: `lead${n}@example.com` });
/** When each lead id first showed up in the destination, polled every 50 ms until `stop()`. */
function watchLeads() {
  const seen = new Map<string, number>();
  let polling = true;
  const done = (async () => {
    while (polling) {
      for (const row of await dest.query<{ lead_id: string }>("SELECT lead_id FROM leads")) if (!seen.has(row.lead_id)) seen.set(row.lead_id, Date.now());
      await sleep(50);
    }
  })();
  return { seen, stop: async () => ((polling = false), await done) };
}
/** Whether a sync run is planned and stuck delivering (its INSERT waits on the lock). */
const deliveryBlocked = async (client: pg.Client) =>
  (await client.query(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = '${dest.settings.schema as string}.leads'::regclass`)).rows[0].n > 0;

/** Jobs and sync runs of this workspace not ended yet: a test starts once those the previous one set going are done. */
const stillGoing = async () =>
  (
    await db.execute<{ n: number }>(sql`SELECT ((SELECT count(*) FROM inngest_runs WHERE event->'data'->>'workspaceId' = ${workspaceId} AND status IN ('queued', 'running'))
      + (SELECT count(*) FROM sync_runs WHERE workspace_id = ${workspaceId} AND status IN ('queued', 'running')))::int AS n`)
  ).rows[0]!.n;

describe("real-time syncs", () => {
  beforeEach(async () => {
    await expect.poll(stillGoing, { timeout: 60_000, interval: 100 }).toBe(0);
  });

  it("start when the ingest endpoint changes rows of an entity the dataset reads, once per burst", async () => {
    for (const n of [1, 2, 3]) expect(await post("contacts", [{ id: `rt-${n}`, email: `lead${n}@example.com` }])).toBe(200);
    const deadline = Date.now() + 30_000;
    while ((await dest.query("SELECT lead_id FROM leads")).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await dest.query("SELECT lead_id, email FROM leads ORDER BY lead_id")).toEqual([
      { lead_id: "rt-1", email: "lead1@example.com" },
      { lead_id: "rt-2", email: "lead2@example.com" },
      { lead_id: "rt-3", email: "lead3@example.com" },
    ]);
    const runs = await runsOf();
    expect(runs).toHaveLength(1);
    expect(await runtime.runEnded(runs[0]!.id)).toMatchObject({ trigger: "realtime", status: "succeeded", created: 3 });
  });

  it("start no job at all for entities no real-time sync reads", async () => {
    const since = new Date();
    for (const n of [1, 2, 3]) expect(await post("products", [{ id: `rt-product-${n}`, name: "Mug" }])).toBe(200);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await runsOf()).toHaveLength(1);
    expect(await jobRunsSince(since)).toEqual({});
  });

  it("a burst of ingest requests for an entity a real-time sync reads starts one job run and one sync run", async () => {
    const since = new Date();
    for (const n of [4, 5, 6]) expect(await post("contacts", [{ id: `rt-${n}`, email: `lead${n}@example.com` }])).toBe(200);
    await expect.poll(async () => (await runsOf()).length, { timeout: 30_000 }).toBe(2);
    await runtime.runEnded((await runsOf()).find((r) => r.queuedAt >= since)!.id);
    expect(await jobRunsSince(since)).toEqual({ "sync-realtime-run": 1, "sync-run": 1 });
  });

  it("deliver a lone change about one window after it was ingested, not after a long quiet period", async () => {
    const watch = watchLeads();
    expect(await post("contacts", [lead("lone")])).toBe(200);
    const ingested = Date.now();
    await expect.poll(() => watch.seen.has("rt-lone"), { timeout: 30_000, interval: 50 }).toBe(true);
    await watch.stop();
    const latency = watch.seen.get("rt-lone")! - ingested;
    expect(latency).toBeGreaterThanOrEqual(env.REALTIME_WINDOW_MS);
    expect(latency).toBeLessThan(env.REALTIME_WINDOW_MS + 3_000);
  });

  it("under a steady stream of ingest requests deliver within the maximum wait, in a few micro-batches rather than a job per request", async () => {
    const since = new Date();
    const watch = watchLeads();
    const ingested = new Map<string, number>();
    const streamStarted = Date.now();
    // A request every 150 ms never leaves the sync's changes quiet for a whole window.
    for (let n = 0; n < 30; n++) {
      expect(await post("contacts", [lead(`stream-${n}`)])).toBe(200);
      ingested.set(`rt-stream-${n}`, Date.now());
      await sleep(150);
    }
    const streamMs = Date.now() - streamStarted;
    await expect.poll(() => [...ingested.keys()].every((id) => watch.seen.has(id)), { timeout: 30_000, interval: 100 }).toBe(true);
    await watch.stop();
    const first = watch.seen.get("rt-stream-0")! - ingested.get("rt-stream-0")!;
    expect(first).toBeLessThan(env.REALTIME_MAX_WAIT_MS + 3_000);
    const jobs = await jobRunsSince(since);
    expect(jobs["sync-realtime-run"]).toBeLessThanOrEqual(Math.ceil(streamMs / env.REALTIME_MAX_WAIT_MS) + 2);
    expect(jobs["sync-run"]).toBeLessThanOrEqual(jobs["sync-realtime-run"]!);
  });

  it("a burst of concurrent ingest requests starts a bounded number of job runs, not one per request", async () => {
    const since = new Date();
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, n) => post("contacts", [lead(`burst-${n}`)])));
    expect(statuses.every((s) => s === 200)).toBe(true);
    await expect.poll(async () => Number((await dest.query<{ n: number }>("SELECT count(*)::int AS n FROM leads WHERE lead_id LIKE 'rt-burst-%'"))[0]!.n), { timeout: 30_000 }).toBe(40);
    const jobs = await jobRunsSince(since);
    expect(jobs["sync-realtime-run"]).toBeLessThanOrEqual(2);
    expect(jobs["sync-run"]).toBeLessThanOrEqual(2);
  });

  it("a change ingested while a run is delivering is delivered by exactly one more run", async () => {
    const since = new Date();
    const locker = new pg.Client({ ...dest.settings, ...dest.secrets } as pg.ClientConfig);
    await locker.connect();
    try {
      await locker.query(`BEGIN; LOCK TABLE ${dest.settings.schema as string}.leads IN ACCESS EXCLUSIVE MODE`);
      expect(await post("contacts", [lead("during-1")])).toBe(200);
      await expect.poll(() => deliveryBlocked(locker), { timeout: 30_000, interval: 50 }).toBe(true);
      for (const n of [2, 3]) expect(await post("contacts", [lead(`during-${n}`)])).toBe(200);
      // The next micro-batch has its run queued behind the one that is delivering.
      await expect.poll(async () => (await runsOf()).filter((r) => r.queuedAt >= since).map((r) => r.status).sort(), { timeout: 30_000 }).toEqual(["queued", "running"]);
      await locker.query("COMMIT");
    } finally {
      await locker.end();
    }
    const runs = (await runsOf()).filter((r) => r.queuedAt >= since).sort((a, b) => a.queuedAt.getTime() - b.queuedAt.getTime());
    expect(runs).toHaveLength(2);
    expect(await runtime.runEnded(runs[0]!.id)).toMatchObject({ status: "succeeded", created: 1 });
    expect(await runtime.runEnded(runs[1]!.id)).toMatchObject({ status: "succeeded", created: 2 });
    expect(await dest.query("SELECT lead_id FROM leads WHERE lead_id LIKE 'rt-during-%' ORDER BY lead_id")).toEqual([{ lead_id: "rt-during-1" }, { lead_id: "rt-during-2" }, { lead_id: "rt-during-3" }]);
  });

  it("a run queued behind another starts within seconds when that run's end was announced just before it began to wait", async () => {
    const [running] = await db.insert(syncRuns).values({ workspaceId, syncId, trigger: "manual", mode: "incremental", status: "running", startedAt: new Date() }).returning();
    const watch = watchLeads();
    expect(await post("contacts", [lead("missed-wakeup")])).toBe(200);
    const waiting = () =>
      db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM inngest_steps s JOIN inngest_runs r ON r.id = s.run_id
        WHERE s.status = 'waiting' AND r.event->'data'->>'syncId' = ${syncId}`);
    await expect.poll(async () => (await waiting()).rows[0]!.n, { timeout: 30_000 }).toBe(1);
    // The running run ends without its announcement reaching the wait (it went out before the wait began).
    await db.update(syncRuns).set({ status: "succeeded", finishedAt: new Date() }).where(eq(syncRuns.id, running!.id));
    await expect.poll(() => watch.seen.has("rt-missed-wakeup"), { timeout: 5_000, interval: 50 }).toBe(true);
    await watch.stop();
  });
});
