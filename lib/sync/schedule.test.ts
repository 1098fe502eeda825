import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { syncRuns, syncs } from "@/lib/db/schema";
import { connectTestDb, newWorkspace } from "@/test/db";
import { postgresDestination } from "@/test/destinations";
import { queueDueRuns } from "./due";
import { latestDueTime, nextDueTime } from "./schedule";

const at = (iso: string) => new Date(iso);

describe("schedule due times", () => {
  const created = at("2026-03-01T10:00:00Z");

  it("counts intervals from the sync's creation", () => {
    const every = { type: "interval" as const, minutes: 90 };
    expect(latestDueTime(every, created, at("2026-03-01T11:00:00Z"))).toBeUndefined();
    expect(latestDueTime(every, created, at("2026-03-01T11:30:00Z"))).toEqual(at("2026-03-01T11:30:00Z"));
    expect(latestDueTime(every, created, at("2026-03-01T12:59:59Z"))).toEqual(at("2026-03-01T11:30:00Z"));
    expect(nextDueTime(every, created, at("2026-03-01T12:59:59Z"))).toEqual(at("2026-03-01T13:00:00Z"));
  });

  it("follows cron expressions in their time zone, across daylight-saving changes", () => {
    const paris = { type: "cron" as const, cron: "0 6 * * *", timezone: "Europe/Paris" };
    expect(latestDueTime(paris, created, at("2026-03-02T05:30:00Z"))).toEqual(at("2026-03-02T05:00:00Z"));
    expect(latestDueTime(paris, created, at("2026-04-01T05:30:00Z"))).toEqual(at("2026-04-01T04:00:00Z"));
    expect(latestDueTime({ type: "cron", cron: "0 6 * * *" }, created, at("2026-03-02T06:00:00Z"))).toEqual(at("2026-03-02T06:00:00Z"));
    expect(latestDueTime(paris, at("2026-03-02T05:30:00Z"), at("2026-03-02T05:40:00Z"))).toBeUndefined();
  });

  it("has nothing due for manual and real-time syncs", () => {
    expect(latestDueTime({ type: "manual" }, created, at("2030-01-01T00:00:00Z"))).toBeUndefined();
    expect(latestDueTime({ type: "realtime" }, created, at("2030-01-01T00:00:00Z"))).toBeUndefined();
  });

  it("queues one run per sync and due time, however often the scheduler looks", async () => {
    const { db } = connectTestDb();
    const dest = await postgresDestination();
    try {
      await dest.query("CREATE TABLE t (id text PRIMARY KEY, email text)");
      const workspaceId = await newWorkspace(db, { seed: { contacts: 3, products: 1, orders: 3, orderItems: 3 } });
      const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
      const connection = await createConnection(db, { workspaceId, connector: "postgres", name: "PG", settings: dest.settings, secrets: dest.secrets });
      const base = { workspaceId, datasetId: dataset.id, connectionId: connection.id, object: "t", mapping: [], matchKey: { from: "id", to: "id" }, createdAt: at("2026-03-01T10:00:00Z") };
      const [hourly] = await db.insert(syncs).values({ ...base, name: "hourly", schedule: { type: "interval", minutes: 60 } }).returning();
      await db.insert(syncs).values({ ...base, name: "off", enabled: false, schedule: { type: "interval", minutes: 60 } });
      await db.insert(syncs).values({ ...base, name: "manual", schedule: { type: "manual" } });

      const first = await queueDueRuns(db, at("2026-03-01T12:10:00Z"));
      const mine = first.filter((r) => r.syncId === hourly!.id);
      expect(mine.map((r) => r.dueAt)).toEqual(["2026-03-01T12:00:00.000Z"]);
      expect((await queueDueRuns(db, at("2026-03-01T12:40:00Z"))).filter((r) => r.syncId === hourly!.id)).toEqual([]);
      // The 12:00 run has not started yet: the 13:00 due time folds into it instead of queueing a second run.
      expect((await queueDueRuns(db, at("2026-03-01T13:00:00Z"))).filter((r) => r.syncId === hourly!.id)).toEqual([]);
      const waiting = await db.query.syncRuns.findMany({ where: eq(syncRuns.syncId, hourly!.id) });
      expect(waiting.map((r) => [r.trigger, r.status, r.scheduledFor?.toISOString()])).toEqual([["schedule", "queued", "2026-03-01T13:00:00.000Z"]]);
      await db.update(syncRuns).set({ status: "succeeded" }).where(eq(syncRuns.syncId, hourly!.id));
      expect((await queueDueRuns(db, at("2026-03-01T13:30:00Z"))).filter((r) => r.syncId === hourly!.id)).toEqual([]);
      expect((await queueDueRuns(db, at("2026-03-01T14:00:00Z"))).filter((r) => r.syncId === hourly!.id).map((r) => r.dueAt)).toEqual(["2026-03-01T14:00:00.000Z"]);
      const runs = await db.query.syncRuns.findMany({ where: eq(syncRuns.syncId, hourly!.id) });
      expect(runs.map((r) => [r.trigger, r.status])).toEqual([
        ["schedule", "succeeded"],
        ["schedule", "queued"],
      ]);
      expect(first.some((r) => r.syncId !== hourly!.id && r.workspaceId === workspaceId)).toBe(false);
    } finally {
      await dest.close();
    }
  });
});
