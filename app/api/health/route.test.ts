import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { startAppRuntime } from "@/test/app-runtime";
import { connectTestDb } from "@/test/db";
import { GET } from "./route";

const { db } = connectTestDb();
let runtime: Awaited<ReturnType<typeof startAppRuntime>>;

beforeAll(async () => (runtime = await startAppRuntime(db)));
afterAll(async () => {
  env.RELAY_EXECUTOR_URL = undefined;
  await runtime.stop();
});

const health = async () => {
  const response = await GET();
  return { status: response.status, cache: response.headers.get("cache-control"), body: (await response.json()) as unknown };
};

describe("GET /api/health", () => {
  it("answers anyone with bare statuses: the database and, when it is the app's own, the job executor", async () => {
    expect(await health()).toEqual({ status: 200, cache: "no-store", body: { status: "ok", database: { status: "ok" }, executor: { status: "not checked" } } });
    env.RELAY_EXECUTOR_URL = process.env.INNGEST_BASE_URL;
    expect(await health()).toEqual({ status: 200, cache: "no-store", body: { status: "ok", database: { status: "ok" }, executor: { status: "ok" } } });
  });

  it("answers 503 when the executor does not, naming nothing about it", async () => {
    const gone = http.createServer();
    await new Promise<void>((r) => gone.listen(0, "127.0.0.1", r));
    const { port } = gone.address() as AddressInfo;
    await new Promise<void>((r) => gone.close(() => r()));
    env.RELAY_EXECUTOR_URL = `http://127.0.0.1:${port}`;
    expect(await health()).toEqual({ status: 503, cache: "no-store", body: { status: "unavailable", database: { status: "ok" }, executor: { status: "unavailable" } } });
  });
});
