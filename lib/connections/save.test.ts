import { describe, expect, it } from "vitest";
import { hubspotManifest } from "@/connectors/hubspot/manifest";
import { connectTestDb, newWorkspace } from "@/test/db";
import { listConnections } from "@/lib/db/queries/connections";
import { createConnection } from "./save";

const { db } = connectTestDb();

describe("a new connection's rate budget", () => {
  it("is the connector's suggestion when left out, none when the user cleared it, the user's own otherwise", async () => {
    const workspaceId = await newWorkspace(db);
    const make = (name: string, rateLimit?: { windowSeconds: number; maxRequests: number } | null) =>
      createConnection(db, { workspaceId, connector: "hubspot", name, settings: {}, secrets: { accessToken: "pat-na1-00000000-0000-4000-8000-000000000000" }, rateLimit });
    await make("Suggested");
    await make("None", null);
    await make("Own", { windowSeconds: 1, maxRequests: 5 });
    const budgets = Object.fromEntries((await listConnections(db, { workspaceId })).map((c) => [c.name, c.rateLimit]));
    expect(budgets).toEqual({ Suggested: hubspotManifest.defaultRateLimit, None: null, Own: { windowSeconds: 1, maxRequests: 5 } });
  });
});
