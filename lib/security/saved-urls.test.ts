import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as connectionsRoute from "@/app/api/v1/connections/route";
import * as connectionRoute from "@/app/api/v1/connections/[id]/route";
import { createChannel } from "@/lib/notify/channel-store";
import { env } from "@/lib/env";
import { ValidationError } from "@/lib/errors";
import { outboundPolicy } from "@/lib/security/outbound";
import { fetchGuarded } from "@/lib/http/client";
import { apiAs } from "@/test/api";
import { connectTestDb, newWorkspace } from "@/test/db";

const { db } = connectTestDb();
let api: Awaited<ReturnType<typeof apiAs>>;
let workspaceId: string;

const httpApi = (baseUrl: string) => ({
  connector: "http-api",
  name: `API ${Math.random().toString(36).slice(2, 8)}`,
  settings: { baseUrl, fields: [{ name: "email", key: "unique" }], create: { path: "/contacts" }, update: { path: "/contacts/{id}" } },
  secrets: { token: "t0ken" },
});

/** What a request to `url` is refused with when it is made. */
const refusedAtUse = (url: string) => fetchGuarded({ method: "GET", url }, outboundPolicy()).then(() => "", (error: Error) => error.message);

beforeAll(async () => {
  workspaceId = await newWorkspace(db);
  api = await apiAs(db, workspaceId);
  // As in production: the test setup lets user-chosen URLs reach the loopback sandboxes.
  env.ALLOW_PRIVATE_NETWORK = false;
});
afterAll(() => {
  env.ALLOW_PRIVATE_NETWORK = true;
});

describe("saving a connection or channel whose URL the app may not call", () => {
  it("the REST API refuses a private API base URL when the connection is created, with the message a request would get", async () => {
    for (const [url, host] of [["http://127.0.0.1:8080/v1", "127.0.0.1"], ["http://[::127.0.0.1]/", "[::7f00:1]"], ["http://localhost:8081/", "localhost"]]) {
      const created = await api.call(connectionsRoute.POST, { path: "/connections", body: httpApi(url!) });
      expect(created.status, url).toBe(422);
      expect(created.body.error!.fields!.baseUrl, url).toEqual([await refusedAtUse(url!)]);
      expect(created.body.error!.fields!.baseUrl![0], url).toMatch(new RegExp(`^${host!.replace(/[[\]]/g, "\\$&")} (is|resolves to).* a private or reserved address\\. Set ALLOW_PRIVATE_NETWORK=true`));
    }
  });

  it("refuses another connector's API base URL override, and a scheme other than http(s)", async () => {
    const metadata = await api.call(connectionsRoute.POST, { path: "/connections", body: { connector: "hubspot", name: "HubSpot", settings: { apiBaseUrl: "http://[64:ff9b::a9fe:a9fe]/" }, secrets: { accessToken: "pat-na1-x" } } });
    expect(metadata.status).toBe(422);
    expect(metadata.body.error!.fields!.apiBaseUrl).toEqual([await refusedAtUse("http://[64:ff9b::a9fe:a9fe]/")]);
    const ftp = await api.call(connectionsRoute.POST, { path: "/connections", body: httpApi("ftp://files.example.com/") });
    expect(ftp.status).toBe(422);
    expect(ftp.body.error!.fields!.baseUrl).toEqual(["Only http and https URLs are allowed, not ftp:"]);
    expect(await refusedAtUse("ftp://files.example.com/")).toBe("Only http and https URLs are allowed, not ftp:");
  });

  it("refuses a change of the base URL to a private address", async () => {
    const created = await api.call(connectionsRoute.POST, { path: "/connections", body: httpApi("https://api.example.com/v1") });
    expect(created.status).toBe(201);
    const id = (created.body.data as { id: string }).id;
    const moved = await api.call(connectionRoute.PATCH, { method: "PATCH", path: `/connections/${id}`, params: { id }, body: { settings: { baseUrl: "http://169.254.169.254/latest" }, secrets: { token: "t0ken" } } });
    expect(moved.status).toBe(422);
    expect(moved.body.error!.fields!.baseUrl).toEqual([await refusedAtUse("http://169.254.169.254/latest")]);
    const renamed = await api.call(connectionRoute.PATCH, { method: "PATCH", path: `/connections/${id}`, params: { id }, body: { name: "Still public" } });
    expect(renamed.status).toBe(200);
  });

  it("refuses a private Slack or webhook URL when the channel is added", async () => {
    const inputs = [
      { url: "http://10.0.0.1/services/T/B/x", input: { kind: "slack" as const, name: "Ops", webhookUrl: "http://10.0.0.1/services/T/B/x" } },
      { url: "http://[::1]:8080/hook", input: { kind: "webhook" as const, name: "Pager", url: "http://[::1]:8080/hook" } },
    ];
    for (const { url, input } of inputs) {
      const refused = await createChannel(db, { workspaceId, input }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ValidationError);
      expect(Object.values((refused as ValidationError).fields)).toEqual([[await refusedAtUse(url)]]);
    }
  });

  it("lets them through with ALLOW_PRIVATE_NETWORK=true", async () => {
    env.ALLOW_PRIVATE_NETWORK = true;
    try {
      expect((await api.call(connectionsRoute.POST, { path: "/connections", body: httpApi("http://127.0.0.1:8080/v1") })).status).toBe(201);
      await expect(createChannel(db, { workspaceId, input: { kind: "webhook", name: "Local", url: "http://127.0.0.1:8080/hook" } })).resolves.toMatchObject({ channel: { name: "Local" } });
    } finally {
      env.ALLOW_PRIVATE_NETWORK = false;
    }
  });
});
