import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { recordsUpload, sendChunked } from "@/test/chunked-upload";
import { createApiKeyWithCli } from "./api-key";
import { queryAppDatabase } from "./database";

test("a script creates a connection and a sync, runs it and reads the record log; the rows land in the table", async ({ request }) => {
  const headers = { authorization: `Bearer ${createApiKeyWithCli()}` };
  // The destination: a table in a schema of the app's own embedded PostgreSQL, reached like any other server.
  const schema = `e2e_${Date.now()}`;
  await queryAppDatabase(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.people (person_id text PRIMARY KEY, email text, country text)`);
  const { port, password } = JSON.parse(fs.readFileSync(".data/e2e/embedded.json", "utf8")) as { port: number; password: string };

  const doc = await (await request.get("/api/v1/openapi.json")).json();
  expect(doc.openapi).toBe("3.1.0");

  const datasets = (await (await request.get("/api/v1/datasets", { headers })).json()).data as { id: string; name: string }[];
  const contacts = datasets.find((d) => d.name === "Contacts")!;
  const connection = await request.post("/api/v1/connections", {
    headers,
    data: { connector: "postgres", name: `E2E ${schema}`, settings: { host: "127.0.0.1", port, database: "relay", user: "postgres", schema }, secrets: { password } },
  });
  expect(connection.status()).toBe(201);
  expect(await connection.text()).not.toContain(password);
  const connectionId = (await connection.json()).data.id;

  const sync = await request.post("/api/v1/syncs", {
    headers,
    data: {
      name: `People ${schema}`,
      datasetId: contacts.id,
      connectionId,
      object: "people",
      filter: { type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "equals", value: "NL" }] },
      mapping: [
        { from: { field: "email" }, to: "email", transforms: [{ type: "lowercase" }] },
        { from: { field: "country" }, to: "country" },
      ],
      matchKey: { from: "id", to: "person_id" },
    },
  });
  expect(sync.status()).toBe(201);
  const syncId = (await sync.json()).data.id;

  const started = await request.post(`/api/v1/syncs/${syncId}/runs`, { headers, data: {} });
  expect(started.status()).toBe(202);
  const runId = (await started.json()).data.id;
  let run: { status: string; counts: { created: number } } = { status: "queued", counts: { created: 0 } };
  await expect(async () => {
    run = (await (await request.get(`/api/v1/runs/${runId}`, { headers })).json()).data;
    expect(run.status).toBe("succeeded");
  }).toPass({ timeout: 30_000 });

  const expected = await queryAppDatabase<{ id: string; email: string }>("SELECT id, lower(email) AS email FROM contacts WHERE country = 'NL' ORDER BY id");
  const rows = await queryAppDatabase<{ person_id: string; email: string }>(`SELECT person_id, email FROM ${schema}.people ORDER BY person_id`);
  expect(rows.map((r) => [r.person_id, r.email])).toEqual(expected.map((e) => [e.id, e.email]));
  expect(run.counts.created).toBe(expected.length);

  const records = (await (await request.get(`/api/v1/runs/${runId}/records?limit=1000`, { headers })).json()).data as { key: string; status: string }[];
  expect(records.map((r) => r.key)).toEqual(expected.map((e) => e.id));
  expect(new Set(records.map((r) => r.status))).toEqual(new Set(["done"]));
});

test("TRACE answers 405 with a JSON error, on the API and on pages alike", async ({ request }) => {
  for (const path of ["/api/v1/syncs", "/api/v1/openapi.json", "/sign-in"]) {
    const answer = await request.fetch(path, { method: "TRACE" });
    expect(answer.status(), path).toBe(405);
    expect(answer.headers().allow, path).toContain("GET");
    expect(await answer.json(), path).toEqual({ error: { message: "TRACE is not allowed" } });
  }
});

test("a 50 MB chunked body is refused with 413 long before it has all been sent", async ({ baseURL }) => {
  const answer = await sendChunked(`${baseURL}/api/v1/entities/contacts/records`, recordsUpload(createApiKeyWithCli(), 50 * 1024 * 1024));
  expect(answer.status).toBe(413);
  expect(JSON.parse(answer.body)).toEqual({ error: { message: "The body is larger than 10 MB: send smaller batches" } });
  expect(answer.sentBytes).toBeLessThan(30 * 1024 * 1024);
});
