/** A server action and its REST twin are one operation: same checks, same outcome, same audit trail. */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as fieldsRoute from "@/app/api/v1/connections/[id]/objects/[object]/fields/route";
import * as cancelRoute from "@/app/api/v1/runs/[id]/cancel/route";
import * as recordsRoute from "@/app/api/v1/runs/[id]/records/route";
import * as recordsExportRoute from "@/app/api/v1/runs/[id]/records/export/route";
import * as resendRoute from "@/app/api/v1/runs/[id]/resend/route";
import * as exportRoute from "@/app/api/v1/syncs/export/route";
import * as importRoute from "@/app/api/v1/syncs/import/route";
import { loadFields } from "@/lib/actions/connections/load-destination";
import { loadRecordLog } from "@/lib/actions/syncs/load";
import { cancelRun, resendRecords } from "@/lib/actions/syncs/runs";
import type { Member } from "@/lib/auth/session";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { auditEvents, syncRecordLogs, syncRunItems, syncRuns } from "@/lib/db/schema";
import { createSync } from "@/lib/syncs/save";
import { type ApiResponse, apiAs } from "@/test/api";
import { connectTestDb, newWorkspace } from "@/test/db";
import { type Destination, postgresDestination } from "@/test/destinations";

const signedIn = vi.hoisted(() => ({ member: undefined as unknown }));
vi.mock("@/lib/auth/session", () => ({ requireMember: async () => signedIn.member, currentMember: async () => undefined }));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { db } = connectTestDb();
let dest: Destination;
let workspaceId: string;
let api: Awaited<ReturnType<typeof apiAs>>;
let connectionId: string;
let runId: string;
let syncId: string;

beforeAll(async () => {
  dest = await postgresDestination();
  await dest.query("CREATE TABLE customers (customer_id text PRIMARY KEY, email text)");
  workspaceId = await newWorkspace(db, { seed: { contacts: 5, products: 1, orders: 1, orderItems: 1 } });
  signedIn.member = { db, userId: "u1", email: "editor@example.com", name: "Editor", workspaceId, workspaceName: "Test", role: "editor" } satisfies Member;
  api = await apiAs(db, workspaceId);
  const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
  connectionId = (await createConnection(db, { workspaceId, connector: "postgres", name: "Warehouse", settings: dest.settings, secrets: dest.secrets })).id;
  const sync = await createSync(db, {
    workspaceId,
    input: { name: "Customers", datasetId: dataset.id, connectionId, object: "customers", mapping: [{ from: { field: "email" }, to: "email" }], matchKey: { from: "id", to: "customer_id" } },
  });
  syncId = sync.id;
  const [run] = await db.insert(syncRuns).values({ workspaceId, syncId, trigger: "manual", mode: "incremental", status: "succeeded" }).returning();
  runId = run!.id;
  const sent = Array.from({ length: 120 }, (_, n) => ({ key: `c_${String(n).padStart(3, "0")}`, failed: n % 3 === 0 }));
  const failure = { status: "failed", errorKind: "rejected", message: "422: bad email", responseStatus: 422, responseBody: '{"error":"invalid"}' } as const;
  await db.insert(syncRunItems).values(
    sent.map(({ key, failed }, n) => ({
      workspaceId, runId, recordKey: key, operation: "create" as const, batch: 1, attempts: failed ? 2 : 1,
      ...(failed ? failure : { status: "done" as const, resultOp: "create", warning: n % 7 === 0 ? "phone left out" : null }),
    })),
  );
  await db.insert(syncRecordLogs).values(sent.filter((r) => r.failed).map(({ key }) => ({ workspaceId, runId, syncId, recordKey: key, operation: "create", status: "failed" as const, errorKind: "rejected" as const, message: "422: bad email" })));
});
afterAll(async () => dest?.close());

/** What a user of either door sees: the status and whether it went through. */
const viaApi = (r: ApiResponse) => ({ ok: r.status < 400, status: r.status });
const viaAction = (r: { ok: boolean; status?: number }) => ({ ok: r.ok, status: r.ok ? 202 : r.status });

describe("resending records of a run", () => {
  const resendBoth = async (keys: string[]) => ({
    action: viaAction(await resendRecords({ runId, keys })),
    api: viaApi(await api.call(resendRoute.POST, { path: "", params: { id: runId }, body: { keys } })),
  });

  it("refuses the same key lists with the same status through the app and the API", async () => {
    for (const keys of [[], Array.from({ length: 10_001 }, (_, i) => `k${i}`), ["x".repeat(1_001)]]) {
      const { action, api: rest } = await resendBoth(keys);
      expect({ keys: keys.length, ...action }).toEqual({ keys: keys.length, ...rest });
      expect(rest).toEqual({ ok: false, status: 422 });
    }
  });
});

describe("cancelling a run that has ended", () => {
  it("is a 409 with the same message through the app and the API", async () => {
    const action = await cancelRun({ runId });
    const rest = await api.call(cancelRoute.POST, { path: "", params: { id: runId }, body: {} });
    expect(action).toEqual({ ok: false, status: 409, error: "The run has already ended (succeeded)" });
    expect(rest).toEqual({ status: 409, body: { error: { message: "The run has already ended (succeeded)" } } });
  });
});

describe("reading a run's record log", () => {
  type Page = { records: unknown[]; nextCursor: string | null };
  /** Every page through the run page's action, each record as the REST API names its response (toEqual skips the history left undefined). */
  const pagesViaAction = async (status?: "done" | "failed") => {
    const pages: Page[] = [];
    for (let cursor: string | undefined, more = true; more; ) {
      const result = await loadRecordLog({ runId, status, cursor });
      if (!result.ok) throw new Error(result.error);
      const { records, nextCursor } = result.data;
      pages.push({ records: records.map(({ responseStatus, responseBody, ...r }) => ({ ...r, history: undefined, response: responseStatus === null && responseBody === null ? null : { status: responseStatus, body: responseBody } })), nextCursor });
      [cursor, more] = [nextCursor ?? undefined, nextCursor !== null];
    }
    return pages;
  };
  const pagesViaApi = async (status?: "done" | "failed") => {
    const pages: Page[] = [];
    for (let cursor: string | undefined, more = true; more; ) {
      const query = new URLSearchParams({ limit: "50", ...(status && { status }), ...(cursor && { cursor }) });
      const { body } = await api.call(recordsRoute.GET, { path: `/runs/${runId}/records?${query}`, params: { id: runId } });
      pages.push({ records: body.data as unknown[], nextCursor: body.nextCursor! });
      [cursor, more] = [body.nextCursor ?? undefined, body.nextCursor !== null];
    }
    return pages;
  };

  it("gives the same records, page by page, through the run page and the API, for every status filter", async () => {
    for (const [status, sizes] of [[undefined, [50, 50, 20]], ["failed", [40]], ["done", [50, 30]]] as const) {
      const viaAction = await pagesViaAction(status);
      expect(viaAction.map((p) => p.records.length), status).toEqual(sizes);
      expect(await pagesViaApi(status), status).toEqual(viaAction);
    }
    const [firstFailed] = (await pagesViaAction("failed"))[0]!.records;
    expect(firstFailed).toEqual({ key: "c_000", operation: "create", status: "failed", result: null, attempts: 2, errorKind: "rejected", message: "422: bad email", warning: null, response: { status: 422, body: '{"error":"invalid"}' } });
  });

  it("exports every record once, in key order, past a page of 5,000", async () => {
    const [big] = await db.insert(syncRuns).values({ workspaceId, syncId, trigger: "manual", mode: "incremental", status: "succeeded" }).returning();
    const keys = Array.from({ length: 5_001 }, (_, n) => `k_${String(n).padStart(4, "0")}`);
    await db.insert(syncRunItems).values(keys.map((recordKey) => ({ workspaceId, runId: big!.id, recordKey, operation: "update" as const, batch: 1, status: "done" as const, resultOp: "update", attempts: 1 })));
    const request = new Request(`http://localhost/api/v1/runs/${big!.id}/records/export`, { headers: { authorization: `Bearer ${api.key}` } });
    const lines = (await (await recordsExportRoute.GET(request, { params: Promise.resolve({ id: big!.id }) })).text()).trim().split("\n");
    expect(lines).toEqual(["key,operation,status,result,attempts,error_kind,message,response_status,response_body,warning", ...keys.map((k) => `${k},update,done,update,1,,,,,`)]);
  });

  it("shows on the run page every attempt that did not go through", async () => {
    const result = await loadRecordLog({ runId, search: "c_003" });
    expect(result).toMatchObject({ ok: true, data: { records: [{ key: "c_003", history: [{ attempt: 1, status: "failed", message: "422: bad email" }] }], nextCursor: null } });
  });
});

describe("reading a destination that does not answer", () => {
  it("fails with the same status through the app and the API", async () => {
    const closed = (await createConnection(db, { workspaceId, connector: "postgres", name: "Gone", settings: { ...dest.settings, port: 1 }, secrets: dest.secrets })).id;
    const action = await loadFields({ connectionId: closed, object: "customers" });
    const rest = await api.call(fieldsRoute.GET, { path: "", params: { id: closed, object: "customers" } });
    expect(action).toMatchObject({ ok: false, status: rest.status });
    expect(action.ok || action.error).toBe(rest.body.error?.message);
  });
});

describe("importing syncs", () => {
  it("leaves an audit entry for every sync it creates or changes, as saving one does", async () => {
    const exported = (await api.call(exportRoute.GET, { path: "/syncs/export" })).body.data;
    const target = await newWorkspace(db, { seed: { contacts: 1, products: 1, orders: 1, orderItems: 1 } });
    await createConnection(db, { workspaceId: target, connector: "postgres", name: "Warehouse", settings: dest.settings, secrets: dest.secrets });
    const targetApi = await apiAs(db, target);
    expect((await targetApi.call(importRoute.POST, { path: "/syncs/import", body: exported })).status).toBe(200);
    expect((await targetApi.call(importRoute.POST, { path: "/syncs/import", body: exported })).status).toBe(200);
    const events = await db.query.auditEvents.findMany({ where: and(eq(auditEvents.workspaceId, target), eq(auditEvents.targetType, "sync")), orderBy: auditEvents.id });
    expect(events.map((e) => [e.action, e.targetName, e.actorType])).toEqual([
      ["sync.created", "Customers", "api_key"],
      ["sync.updated", "Customers", "api_key"],
    ]);
  });
});
