import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineRoute, routeHandler } from "@/lib/api/route";
import { RetryLaterError } from "@/lib/errors";
import { apiAs } from "@/test/api";
import { connectTestDb, newWorkspace } from "@/test/db";
import { transactionWithRetry } from "./transaction";

const { db } = connectTestDb();
const raise = (code: string) => sql.raw(`DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '${code}'; END $$`);

describe("transactionWithRetry", () => {
  it("runs a transaction PostgreSQL aborted as a deadlock victim again, and both writers succeed", async () => {
    await db.execute(sql`CREATE TABLE IF NOT EXISTS retry_locks (id int PRIMARY KEY, n int NOT NULL DEFAULT 0); INSERT INTO retry_locks (id) VALUES (1), (2) ON CONFLICT DO NOTHING`);
    let attempts = 0;
    let holding = 0;
    // Each writer locks one row, waits until the other holds its row too, then asks for the other's: a real deadlock.
    const writer = (first: number, second: number) =>
      transactionWithRetry(db, async (tx) => {
        attempts++;
        await tx.execute(sql`UPDATE retry_locks SET n = n + 1 WHERE id = ${first}`);
        holding++;
        for (let i = 0; i < 100 && holding < 2; i++) await new Promise((r) => setTimeout(r, 10));
        await tx.execute(sql`UPDATE retry_locks SET n = n + 1 WHERE id = ${second}`);
        return first;
      });
    expect(await Promise.all([writer(1, 2), writer(2, 1)])).toEqual([1, 2]);
    expect(attempts).toBe(3);
  });

  it("gives up after its attempts with a RetryLaterError (503, Retry-After)", async () => {
    let attempts = 0;
    const failing = transactionWithRetry(db, async (tx) => {
      attempts++;
      await tx.execute(raise("40001"));
    });
    await expect(failing).rejects.toBeInstanceOf(RetryLaterError);
    expect(attempts).toBe(4);
    await expect(transactionWithRetry(db, (tx) => tx.execute(raise("23514")))).rejects.not.toBeInstanceOf(RetryLaterError);
  });

  it("reaches an API client as 503 with Retry-After and a JSON error", async () => {
    const { key } = await apiAs(db, await newWorkspace(db));
    const spec = defineRoute({ method: "POST", path: "/busy", tag: "Test", summary: "Always in conflict", body: z.object({}), handle: async () => transactionWithRetry(db, (tx) => tx.execute(raise("40P01"))).then(() => ({ data: null })) });
    const response = await routeHandler(spec)(new Request("http://localhost/api/v1/busy", { method: "POST", headers: { authorization: `Bearer ${key}` }, body: "{}" }), { params: Promise.resolve({}) });
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await response.json()).toEqual({ error: { message: "Another request is writing the same rows: try again in a moment" } });
  });
});
