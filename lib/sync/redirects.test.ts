import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver } from "@/test/receiver";
import { createHttpClient } from "@/lib/http/client";

const client = createHttpClient({ delaysMs: [5], timeScale: 1, outbound: { allowPrivate: true } });

/** What a connector sends: its credentials in the usual places and in its own header names, and a record. */
const credentials = {
  authorization: "Bearer secret-token",
  "api-key": "xkeysib-brevo-secret",
  "x-relay-key": "user-chosen-header-secret",
  cookie: "session=secret-cookie",
  "proxy-authorization": "Basic c2VjcmV0",
};
const record = { email: "ana@example.com", first_name: "Ana" };

/** A server that redirects with `status` to where `to` says (answers 200 where it says nothing), recording what it got. */
async function startRedirector(status: number, to: (path: string) => string | undefined, server = http.createServer()) {
  const requests: { path: string; headers: http.IncomingHttpHeaders }[] = [];
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    requests.push({ path: req.url ?? "/", headers: req.headers });
    req.resume();
    const location = to(req.url ?? "/");
    res.writeHead(location ? status : 200, location ? { location } : {});
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { port, requests, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

describe("credentials and redirects in the shared HTTP client", () => {
  let other: Awaited<ReturnType<typeof startReceiver>>;
  let origin: Awaited<ReturnType<typeof startRedirector>>;
  beforeAll(async () => {
    other = await startReceiver();
    origin = await startRedirector(307, (p) => (p.startsWith("/same") ? `/landing${p}` : `${other.url}/landing${p}`));
  });
  afterAll(async () => {
    await other.close();
    await origin.close();
  });

  it("a 307 to another origin gets the record but none of the credentials", async () => {
    const answer = await client({ method: "POST", url: `http://127.0.0.1:${origin.port}/contacts`, headers: { ...credentials, "content-type": "application/json", accept: "application/json" }, body: record });
    expect(answer.status).toBe(200);
    expect(origin.requests.find((r) => r.path === "/contacts")!.headers).toMatchObject(credentials);
    const landed = other.requests.find((r) => r.path === "/landing/contacts")!;
    expect(landed.method).toBe("POST");
    expect(JSON.parse(landed.body)).toEqual(record);
    expect(landed.headers["content-type"]).toBe("application/json");
    for (const name of Object.keys(credentials)) expect(landed.headers[name], name).toBeUndefined();
  });

  it("a redirect within the same origin keeps them", async () => {
    await client({ method: "PUT", url: `http://127.0.0.1:${origin.port}/same`, headers: credentials, body: record });
    const landed = origin.requests.find((r) => r.path === "/landing/same")!;
    expect(landed.headers).toMatchObject(credentials);
  });

  it("a webhook redirected elsewhere arrives unsigned", async () => {
    await client({ method: "POST", url: `http://127.0.0.1:${origin.port}/hook`, headers: { "x-relay-signature": "t=1,v1=abc", "content-type": "application/json" }, body: "{}" });
    expect(other.requests.find((r) => r.path === "/landing/hook")!.headers["x-relay-signature"]).toBeUndefined();
  });

  describe("from https", () => {
    const tls = path.resolve("test/tls");
    let secure: Awaited<ReturnType<typeof startRedirector>>;
    beforeAll(async () => {
      const server = https.createServer({ cert: fs.readFileSync(path.join(tls, "localhost-cert.pem")), key: fs.readFileSync(path.join(tls, "localhost-key.pem")) });
      secure = await startRedirector(307, (p) => (p === "/down" ? `${other.url}/downgraded` : p === "/up" ? `https://127.0.0.1:${secure.port}/landed` : undefined), server);
    });
    afterAll(() => secure.close());

    /** One request through the client in a process that trusts the test certificate, as production trusts real ones. */
    const fetchTrusting = async (url: string) => {
      const { stdout } = await promisify(execFile)(path.resolve("node_modules/.bin/tsx"), ["--conditions=react-server", "test/fetch-guarded.ts", JSON.stringify({ method: "POST", url, headers: credentials, body: record })], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(tls, "localhost-cert.pem") },
      });
      return JSON.parse(stdout.trim().split("\n").at(-1)!) as { status?: number; error?: string };
    };

    it("refuses a redirect from https down to http, sending nothing there", async () => {
      const before = other.requests.length;
      expect(await fetchTrusting(`https://127.0.0.1:${secure.port}/down`)).toEqual({ error: expect.stringMatching(/redirected from https to http/) });
      expect(other.requests.length).toBe(before);
    });

    it("follows https to https", async () => {
      expect(await fetchTrusting(`https://127.0.0.1:${secure.port}/up`)).toEqual({ status: 200 });
      expect(secure.requests.map((r) => r.path)).toContain("/landed");
    });
  });
});
