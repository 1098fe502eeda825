import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { startNeonBridge } from "@/test/neon-bridge";
import { chooseDriver, createDb, type DbHandle } from "./client";
import { getDefaultWorkspace } from "./queries/workspaces";
import { contacts, workspaces } from "./schema";

let bridge: Awaited<ReturnType<typeof startNeonBridge>>;
let neon: DbHandle;

beforeAll(async () => {
  bridge = await startNeonBridge();
  neon = createDb(inject("databaseUrl"), { driver: "neon" });
});
afterAll(async () => {
  await neon.close();
  await bridge.close();
});

describe("the Neon driver (@neondatabase/serverless over WebSocket)", () => {
  it("is chosen for Neon hosts or when asked", () => {
    expect(chooseDriver("postgres://u:p@ep-cool-rain-123.eu-central-1.aws.neon.tech/db")).toBe("neon");
    expect(chooseDriver("postgres://u:p@127.0.0.1:5432/db")).toBe("pg");
    expect(chooseDriver("postgres://u:p@127.0.0.1:5432/db", "neon")).toBe("neon");
  });

  it("runs the app's queries and transactions against a real PostgreSQL", async () => {
    expect(neon.driver).toBe("neon");
    const { db } = neon;
    const version = await db.execute<{ server_version: string }>(sql`SHOW server_version`);
    expect(version.rows[0]!.server_version).toMatch(/^\d+/);
    const workspace = await getDefaultWorkspace(db);
    expect(await db.query.workspaces.findFirst({ where: eq(workspaces.id, workspace.id) })).toMatchObject({ id: workspace.id });

    await db.transaction(async (tx) => {
      await tx.insert(contacts).values({ workspaceId: workspace.id, id: "neon-1", email: "neon@example.com" });
    });
    await db
      .transaction(async (tx) => {
        await tx.insert(contacts).values({ workspaceId: workspace.id, id: "neon-2" });
        throw new Error("roll back");
      })
      .catch(() => {});
    const stored = await db.select({ id: contacts.id }).from(contacts).where(eq(contacts.workspaceId, workspace.id));
    expect(stored.map((r) => r.id)).toContain("neon-1");
    expect(stored.map((r) => r.id)).not.toContain("neon-2");
    expect(bridge.stats.connections).toBeGreaterThan(0);
  });
});
