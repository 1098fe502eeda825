/**
 * The connector contract's limits scenario: a connection whose rate budget equals its sandbox's request limit
 * runs the contract's people, and the sandbox, counting on its own clock, refuses nothing and never receives
 * more than the budget in a window. A connector whose sandbox has no request limit says so in its capabilities.
 */
import { describe, expect, it } from "vitest";
import type { RequestLimit } from "@/test/connector-contract";
import { connectTestDb } from "@/test/db";
import { contractSyncs, COUNT } from "@/test/connector-contract-sync";
import { syncTestRuntime } from "@/test/sync-runtime";
import { contractFixtures, runnableFixtures } from "./contract-fixtures";
import { maxInWindow } from "./shared/sandbox-faults";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);
const syncInto = contractSyncs(db, runtime);
const runnable = await runnableFixtures();

describe.each(runnable)("%s within its sandbox's request limit", (name) => {
  const fixture = contractFixtures[name]!;
  const limit = fixture.capabilities.requestLimit;

  it.skipIf(limit === "none")("a run budgeted at the sandbox's limit is never refused and never sends more than the budget in a window", async () => {
    const { windowSeconds, maxRequests, refusedWith } = limit as RequestLimit;
    const sandbox = await fixture.start(runtime.closeAfter, { limit: limit as RequestLimit });
    const t = await syncInto(fixture, sandbox, `${name} (limited)`, { windowSeconds, maxRequests });
    expect(await t.run()).toMatchObject({ status: "succeeded", created: COUNT, failed: 0 });
    const requests = sandbox.requests!();
    expect(requests.filter((r) => r.status === refusedWith)).toEqual([]);
    expect(maxInWindow(requests.map((r) => r.at), windowSeconds * 1_000)).toBeLessThanOrEqual(maxRequests);
  });
});
