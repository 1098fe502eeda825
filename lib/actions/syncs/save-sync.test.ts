/** Saving a sync that its next run would make delete records needs the deletions confirmed, whatever the browser sent. */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Member } from "@/lib/auth/session";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { syncs } from "@/lib/db/schema";
import type { FilterGroup } from "@/lib/segment/schema";
import type { SyncInput } from "@/lib/sync/config";
import { connectTestDb, newWorkspace, smallScale } from "@/test/db";
import { type Destination, postgresDestination } from "@/test/destinations";
import { syncTestRuntime } from "@/test/sync-runtime";
import { saveSync } from "./save-sync";

const signedIn = vi.hoisted(() => ({ member: undefined as unknown }));
vi.mock("@/lib/auth/session", () => ({ requireMember: async () => signedIn.member }));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);
const countries = (...values: string[]): FilterGroup => ({ type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "is_one_of", value: values }] });

describe("saving a sync whose next run would delete records", () => {
  let dest: Destination;
  let workspaceId: string;
  let syncId: string;
  let input: SyncInput;
  let germans: number;
  const storedFilter = async () => (await db.query.syncs.findFirst({ where: eq(syncs.id, syncId) }))!.filter;

  beforeAll(async () => {
    dest = await postgresDestination();
    await dest.query("CREATE TABLE customers (customer_id text PRIMARY KEY, country text)");
    workspaceId = await newWorkspace(db, { seed: smallScale });
    signedIn.member = { db, userId: "u1", email: "editor@example.com", name: "Editor", workspaceId, workspaceName: "Test", role: "editor" } satisfies Member;
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    const connectionId = (await createConnection(db, { workspaceId, connector: "postgres", name: "Warehouse", settings: dest.settings, secrets: dest.secrets })).id;
    input = { name: "Customers", datasetId: dataset.id, filter: countries("FR", "DE"), connectionId, object: "customers", mapping: [{ from: { field: "country" }, to: "country" }], matchKey: { from: "id", to: "customer_id" }, onLeave: "delete" };
    syncId = (await createSync(db, { workspaceId, input })).id;
    expect((await runtime.run({ workspaceId, syncId })).status).toBe("succeeded");
    germans = Number((await dest.query<{ n: string }>("SELECT count(*) AS n FROM customers WHERE country = 'DE'"))[0]!.n);
    expect(germans).toBeGreaterThan(3);
  });
  afterAll(() => dest?.close());

  it("is refused without a confirmation, with the count and the destination, and nothing is saved", async () => {
    const result = await saveSync({ id: syncId, input: { ...input, filter: countries("FR") } });
    expect(result).toEqual({
      ok: false,
      status: 409,
      error: `This sync would delete ${germans} records from Warehouse (customers) on its next run: confirm the deletion to save it.`,
      confirm: { deletions: germans, destination: "Warehouse (customers)" },
    });
    expect(await storedFilter()).toEqual(countries("FR", "DE"));
  });

  it("is refused when fewer deletions were confirmed than the run would make", async () => {
    const result = await saveSync({ id: syncId, input: { ...input, filter: countries("FR") }, confirmedDeletions: germans - 1 });
    expect(result).toMatchObject({ ok: false, status: 409, confirm: { deletions: germans } });
    expect(await storedFilter()).toEqual(countries("FR", "DE"));
  });

  it("counts what a replace or a consent rule would remove, and nothing when records that leave are kept", async () => {
    const replace = await saveSync({ id: syncId, input: { ...input, filter: countries("FR"), onLeave: "nothing", mode: "replace", replaceStrategy: "sole_admin" } });
    expect(replace).toMatchObject({ ok: false, confirm: { deletions: germans } });
    const withoutConsent = await db.execute<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM contacts c WHERE c.workspace_id = ${workspaceId} AND c.country IN ('FR', 'DE')
         AND coalesce((SELECT s.status = 'granted' FROM consents s WHERE s.workspace_id = c.workspace_id AND s.contact_id = c.id AND s.channel = 'email' ORDER BY s.updated_at DESC, s.id DESC LIMIT 1), false) IS FALSE`);
    expect(withoutConsent.rows[0]!.n).toBeGreaterThan(0);
    const consent = await saveSync({ id: syncId, input: { ...input, onLeave: "nothing", consent: { channel: "email" } } });
    expect(consent).toMatchObject({ ok: false, confirm: { deletions: withoutConsent.rows[0]!.n } });
    expect(await saveSync({ id: syncId, input: { ...input, name: "Customers (FR, DE)" } })).toEqual({ ok: true, data: { id: syncId, changed: true } });
    expect(await saveSync({ id: syncId, input: { ...input, filter: countries("FR"), onLeave: "nothing" } })).toEqual({ ok: true, data: { id: syncId, changed: true } });
    expect(await storedFilter()).toEqual(countries("FR"));
  });

  it("saves once the deletions are confirmed; the run still answers to the sync's deletion limit", async () => {
    await saveSync({ id: syncId, input: { ...input, filter: countries("FR", "DE"), onLeave: "nothing" } });
    const narrowed = { ...input, filter: countries("FR") };
    expect(await saveSync({ id: syncId, input: narrowed, confirmedDeletions: germans })).toEqual({ ok: true, data: { id: syncId, changed: true } });
    expect(await storedFilter()).toEqual(countries("FR"));
    // A save confirms the segment, not the run: over the limit, the run is held for its own confirmation.
    expect(await runtime.run({ workspaceId, syncId })).toMatchObject({ status: "held", plannedDeletes: germans, deleted: 0 });
  });
});
