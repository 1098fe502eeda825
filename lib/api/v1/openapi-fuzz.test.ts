/**
 * Property-based fuzz of the REST API: every operation of the served OpenAPI document gets requests built
 * from its own schemas, laced with hostile values (NUL characters, impossible dates, out-of-range numbers,
 * deep trees, malformed bodies). No answer may be a 5xx, and every error is `{ error: { message } }` JSON.
 * FUZZ_RUNS (cases per operation) and FUZZ_SEED reproduce or widen a run.
 */
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as getOpenApi } from "@/app/api/v1/openapi.json/route";
import { requestSyncRun } from "@/inngest/requests";
import { createConnection } from "@/lib/connections/save";
import { createSync } from "@/lib/syncs/save";
import { entityNames } from "@/lib/entities/catalog";
import { writableFields } from "@/lib/entities/records";
import { apiAs } from "@/test/api";
import { startAppRuntime } from "@/test/app-runtime";
import { connectTestDb, newWorkspace } from "@/test/db";
import { type Destination, postgresDestination } from "@/test/destinations";
import { arbitraryFor, type Hints, hostile, type JsonSchema } from "@/test/openapi-arbitraries";

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_127);

type Parameter = { name: string; in: "path" | "query"; schema: JsonSchema };
type Document = {
  paths: Record<string, Record<string, { parameters: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>;
  components: { schemas: Record<string, JsonSchema> };
};
/** One operation of the document, with what is known to fit it (an entity's record fields for its records). */
type Operation = { method: string; path: string; parameters: Parameter[]; body?: JsonSchema; hints: Hints; label: string };
type Handler = (request: Request, route: { params: Promise<unknown> }) => Promise<Response>;
type Case = { params: Record<string, string>; query: Record<string, string | undefined>; body?: string };

const { db } = connectTestDb();
let runtime: Awaited<ReturnType<typeof startAppRuntime>>;
let dest: Destination;
let key: string;
let doc: Document;
const ids: Record<string, string> = {};
let hints: Hints;

const samples = { string: "a", number: 12.5, boolean: true, date: "2024-05-31", datetime: "2024-05-31T14:00:00Z" };

beforeAll(async () => {
  runtime = await startAppRuntime(db);
  dest = await postgresDestination();
  await dest.query("CREATE TABLE customers (customer_id text PRIMARY KEY, email text, country text)");
  const workspaceId = await newWorkspace(db, { seed: { contacts: 30, products: 5, orders: 40, orderItems: 60 } });
  key = (await apiAs(db, workspaceId)).key;
  const dataset = (await db.query.datasets.findMany({ where: (d, { eq }) => eq(d.workspaceId, workspaceId) })).find((d) => d.name === "Contacts")!;
  const connection = await createConnection(db, { workspaceId, connector: "postgres", name: "Warehouse", settings: dest.settings, secrets: dest.secrets });
  const sync = await createSync(db, {
    workspaceId,
    input: { name: "Customers", datasetId: dataset.id, connectionId: connection.id, object: "customers", mapping: [{ from: { field: "email" }, to: "email" }], matchKey: { from: "id", to: "customer_id" } },
  });
  const run = await requestSyncRun(db, { workspaceId, syncId: sync.id, trigger: "api", mode: "incremental" });
  await runtime.runEnded(run.id);
  Object.assign(ids, { connections: connection.id, syncs: sync.id, runs: run.id });
  doc = await getOpenApi(new Request("http://localhost/api/v1/openapi.json")).json();
  const fieldValues = Object.fromEntries(
    entityNames.flatMap((e) => writableFields(e)).map((f) => [f.name, f.values ? [...f.values] : [samples[f.type], ...(f.type === "number" ? [3] : [])]]),
  );
  hints = {
    values: {
      ...fieldValues,
      id: Array.from({ length: 20 }, (_, i) => `fz-${i}`),
      traits: [{ plan: "pro" }],
      object: ["customers"],
      datasetId: [dataset.id],
      connectionId: [connection.id],
      dataset: ["Contacts"],
      connector: ["postgres"],
      column: dataset.columns.map((c) => c.name),
      field: dataset.columns.map((c) => c.name),
      value: ["FR", 3, "2024-05-31", "2024-05-31T14:00:00Z", ["FR", "DE"], [1, 5]],
      "matchKey.from": ["id"],
      to: ["customer_id", "email", "country"],
      cursor: [sync.id, "c-1"],
      cron: ["0 6 * * 1-5"],
      timezone: ["Europe/Paris"],
      channelIds: [[]],
      ...Object.fromEntries(Object.entries(dest.settings).map(([k, v]) => [k, [v]])),
    },
    objects: {
      traits: { keys: ["plan", "seats"] },
      settings: { keys: [], always: Object.keys(dest.settings) },
      secrets: { keys: ["password"] },
    },
  };
});
afterAll(async () => {
  await runtime?.stop();
  await dest?.close();
});

/** The document's operations; records are written once per entity, with that entity's fields. Deletions come last. */
function operationsOf(document: Document): Operation[] {
  const all = Object.entries(document.paths).flatMap(([p, methods]) =>
    Object.entries(methods).map(([m, o]) => ({ method: m.toUpperCase(), path: p, parameters: o.parameters, body: o.requestBody?.content["application/json"]?.schema })),
  );
  return all
    .flatMap((op) => {
      const plain = { ...op, hints, label: `${op.method} ${op.path}` };
      if (op.method !== "POST" || !op.path.startsWith("/entities/")) return [plain];
      return [
        plain,
        ...entityNames.map((entity) => ({
          ...op,
          label: `${op.method} ${op.path.replace("{entity}", entity)}`,
          hints: {
            values: { ...hints.values, entity: [entity] },
            objects: { ...hints.objects, records: { keys: [...writableFields(entity).map((f) => f.name), "traits"], always: ["id"] } },
          },
        })),
      ];
    })
    .sort((a, b) => Number(a.method === "DELETE") - Number(b.method === "DELETE"));
}

const asText = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** A path parameter: the id of a real row of that collection, a value its hints name, or anything else. */
function paramArbitrary(op: Operation, p: Parameter): fc.Arbitrary<string> {
  const real = p.name === "id" ? ids[op.path.split("/")[1]!] : undefined;
  const fitting = arbitraryFor(p.schema, { components: doc.components.schemas, hints: op.hints, depth: 0, hostileWeight: 0 }, [p.name]).map(asText);
  return fc.oneof({ weight: 3, arbitrary: real ? fc.constant(real) : fitting }, { weight: 1, arbitrary: fitting }, { weight: 1, arbitrary: hostile.map(asText) });
}

function caseArbitrary(op: Operation): fc.Arbitrary<Case> {
  const ctx = { components: doc.components.schemas, hints: op.hints, depth: 0, hostileWeight: 1 };
  const params = fc.record(Object.fromEntries(op.parameters.filter((p) => p.in === "path").map((p) => [p.name, paramArbitrary(op, p)])));
  const query = fc.record(
    Object.fromEntries(op.parameters.filter((p) => p.in === "query").map((p) => [p.name, fc.option(arbitraryFor(p.schema, ctx, [p.name]).map(asText), { nil: undefined })])),
    { requiredKeys: [] },
  );
  const malformed = fc.constantFrom("", "null", "[]", "{", "{}", '"records"', '{"records":null}');
  const body = op.body ? fc.oneof({ weight: 6, arbitrary: arbitraryFor(op.body, ctx).map((b) => JSON.stringify(b)) }, { weight: 1, arbitrary: malformed }) : fc.constant(undefined);
  return fc.record({ params, query, body }) as fc.Arbitrary<Case>;
}

/** Sends the case to the route file that serves the operation, as Next would. */
async function send(op: Operation, c: Case) {
  const routeModule = (await import(path.join(process.cwd(), "app/api/v1", op.path.replace(/\{(\w+)\}/g, "[$1]"), "route.ts"))) as Record<string, Handler>;
  const url = new URL(`http://localhost/api/v1${op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(c.params[name]!))}`);
  for (const [name, value] of Object.entries(c.query)) if (value !== undefined) url.searchParams.set(name, value);
  const request = new Request(url, { method: op.method, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: c.body });
  return routeModule[op.method]!(request, { params: Promise.resolve(c.params) });
}

/** The cause the route logged for a 5xx: the database error's code and message, or the exception. */
function loggedCause(calls: unknown[][]): string {
  const error = calls.flat().find((a) => a instanceof Error) as (Error & { cause?: { code?: string; message?: string } }) | undefined;
  if (!error) return "";
  return ` (${error.cause?.code ? `${error.cause.code} ${error.cause.message}` : `${error.name}: ${error.message.split("\n")[0]}`})`;
}

/** What is wrong with an answer, or undefined when it is a success or a JSON 4xx with a message. */
async function problemOf(response: Response, logged: unknown[][]): Promise<string | undefined> {
  if (response.status < 400) return undefined;
  const text = await response.text();
  let message: unknown;
  try {
    message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
  } catch {
    message = undefined;
  }
  if (response.status >= 500) return `${response.status}: ${String(message ?? text).slice(0, 120)}${loggedCause(logged)}`;
  return typeof message === "string" ? undefined : `${response.status} without a JSON error body: ${text.slice(0, 200)}`;
}

describe("REST API under generated input", () => {
  it("answers every operation of its OpenAPI document without a 5xx, errors as JSON", async () => {
    const operations = operationsOf(doc);
    const found: { operation: string; problem: string; input: Case }[] = [];
    const answers: Record<string, Record<string, number>> = {};
    let cases = 0;
    const errorLog = vi.spyOn(console, "error").mockImplementation(() => {});
    for (const op of operations) {
      await fc.assert(
        fc.asyncProperty(caseArbitrary(op), async (c) => {
          cases++;
          errorLog.mockClear();
          const response = await send(op, c);
          const tally = (answers[op.label] ??= {});
          tally[`${String(response.status)[0]}xx`] = (tally[`${String(response.status)[0]}xx`] ?? 0) + 1;
          const problem = await problemOf(response, errorLog.mock.calls);
          if (problem) found.push({ operation: op.label, problem, input: c });
        }),
        { numRuns: RUNS, seed: SEED },
      );
    }
    errorLog.mockRestore();
    // One line per cause: the offending value quoted at the end of a database message is left out.
    const causes = [...new Set(found.map((f) => `${f.operation} → ${f.problem.replace(/: "[^]*"\)$/, ")").slice(0, 160)}`))];
    const tallies = Object.entries(answers).map(([op, t]) => `${op}: ${Object.entries(t).sort().map(([k, n]) => `${n} × ${k}`).join(", ")}`);
    console.log(`[fuzz] ${cases} cases over ${operations.length} operations (seed ${SEED}): ${found.length} answered 5xx or without a JSON error\n${[...causes, "", ...tallies].join("\n")}`);
    expect(found.map((f) => ({ ...f, input: JSON.stringify(f.input).slice(0, 300) }))).toEqual([]);
  }, 300_000);
});
