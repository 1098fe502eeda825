/** Test functions served by the real `inngest/next` handler over HTTP, driven by the local executor. */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest, type InngestFunction } from "inngest";
import { serve } from "inngest/next";
import type { Db } from "@/lib/db/client";
import { LocalExecutor } from "@/inngest/local/executor";
import { generateEventKey, generateSigningKey } from "@/inngest/local/signing";
import { getRunState, listRuns } from "@/inngest/local/state";

type Handlers = ReturnType<typeof serve>;

/** Serves Next-style route handlers on a local port (any free one unless given), as `next start` would. */
export async function serveHandlers(getHandlers: () => Handlers, port = 0) {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const handlers = getHandlers() as unknown as Record<string, (r: Request, ctx: unknown) => Promise<Response>>;
    const handler = handlers[req.method ?? "GET"];
    if (!handler) return void res.writeHead(405).end();
    const { port } = server.address() as AddressInfo;
    const request = new Request(`http://127.0.0.1:${port}${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
    });
    const response = await handler(request, {});
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: listening } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${listening}/api/inngest`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export async function startHarness(
  db: Db,
  defineFunctions: (client: Inngest) => InngestFunction.Any[],
  options: { timeScale?: number; leaseMs?: number; workers?: number; pollMs?: number } = {},
) {
  const keys = { signingKey: generateSigningKey(), eventKey: generateEventKey() };
  const route: { handlers?: Handlers } = {};
  const app = await serveHandlers(() => route.handlers!);
  const executor = new LocalExecutor({ db, appUrl: app.url, ...keys, timeScale: options.timeScale ?? 0.001, leaseMs: options.leaseMs ?? 10_000, pollMs: options.pollMs ?? 20, workers: options.workers, log: process.env.EXECUTOR_LOG ? console.log : () => {} });
  const baseUrl = await executor.listen();
  const appId = `test-${crypto.randomBytes(4).toString("hex")}`;
  const client = new Inngest({ id: appId, isDev: false, ...keys, baseUrl });
  const functions = defineFunctions(client);
  route.handlers = serve({ client, functions, serveOrigin: new URL(app.url).origin });
  await executor.start();
  await executor.syncApp();

  const fnId = (id: string) => `${appId}-${id}`;
  /** Waits until the function has `count` runs that all ended, and returns their states. */
  const settled = async (id: string, count = 1, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const runs = await listRuns(db, fnId(id));
      const ended = runs.filter((r) => r.status === "completed" || r.status === "failed" || r.status === "cancelled");
      if (runs.length >= count && ended.length === runs.length) return Promise.all(runs.map(async (r) => (await getRunState(db, r.id))!));
      if (Date.now() > deadline) throw new Error(`${id}: ${ended.length}/${runs.length} runs ended after ${timeoutMs} ms (wanted ${count})`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const stop = async () => {
    await executor.stop();
    await app.close();
  };
  /** Puts other handlers (a fake app) at the registered URL. */
  const serveWith = (handlers: Partial<Record<"GET" | "POST" | "PUT", (r: Request) => Promise<Response>>>) => (route.handlers = handlers as unknown as Handlers);
  return { client, executor, keys, fnId, settled, serve: serveWith, stop };
}
