/** The sandbox itself against the vendor sheet's checklist: the connector's tests are only as good as it is. */
import { afterAll, describe, expect, it } from "vitest";
import { startZendeskSandbox, type ZendeskSandbox, type ZendeskSandboxOptions } from "./sandbox";

const sandboxes: ZendeskSandbox[] = [];
afterAll(() => Promise.all(sandboxes.map((s) => s.close())));

async function open(options: ZendeskSandboxOptions = {}) {
  const sandbox = await startZendeskSandbox(options);
  sandboxes.push(sandbox);
  const basic = `Basic ${Buffer.from(`${sandbox.email}/token:${sandbox.token}`).toString("base64")}`;
  const call = async (method: string, path: string, body?: unknown, authorization = basic) => {
    const res = await fetch(`${sandbox.url}/api/v2${path}`, { method, headers: { authorization, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
  };
  const job = async (id: string) => {
    for (;;) {
      const a = await call("GET", `/job_statuses/${id}`);
      if (a.json.job_status?.status === "completed" || a.status !== 200) return a;
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { sandbox, call, job };
}

describe("the Zendesk sandbox", () => {
  it("authenticates API tokens and OAuth bearers, refusing others with Zendesk's bodies", async () => {
    const t = await open({ oauthToken: "oauth-1" });
    expect((await t.call("GET", "/users/me")).json.user).toMatchObject({ role: "admin", email: "admin@example.com" });
    expect((await t.call("GET", "/users/me", undefined, "Bearer oauth-1")).status).toBe(200);
    expect(await t.call("GET", "/users/me", undefined, "Bearer old")).toMatchObject({ status: 401, json: { error: "invalid_token" } });
    expect(await t.call("GET", "/users/me", undefined, `Basic ${Buffer.from("admin@example.com/token:bad").toString("base64")}`)).toMatchObject({ status: 401, json: { error: "Couldn't authenticate you" } });
  });

  it("upserts users on external_id (case-insensitive, case rewritten) or email, 201 then 200 with Location; plain create refuses a taken email without an id", async () => {
    const t = await open();
    const created = await t.call("POST", "/users/create_or_update", { user: { name: "Ada", email: "ada@example.com", external_id: "ABC" } });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe(`/api/v2/users/${created.json.user.id}.json`);
    const updated = await t.call("POST", "/users/create_or_update", { user: { name: "Ada L", external_id: "abc" } });
    expect(updated).toMatchObject({ status: 200, json: { user: { id: created.json.user.id, external_id: "abc", name: "Ada L" } } });
    expect((await t.call("POST", "/users/create_or_update", { user: { name: "Ada", email: "ADA@example.com" } })).json.user.id).toBe(created.json.user.id);
    const plain = await t.call("POST", "/users", { user: { name: "Copy", email: "ada@example.com" } });
    expect(plain).toEqual(expect.objectContaining({ status: 422, json: { error: "RecordInvalid", description: "Record validation errors", details: { email: [{ description: "Email: ada@example.com is already being used by another user", error: "DuplicateValue" }] } } }));
    expect(await t.call("GET", "/users/999")).toMatchObject({ status: 404, json: { error: "RecordNotFound", description: "Not found" } });
  });

  it("answers 403 to bulk imports until enabled, refuses more than 100, and runs jobs queued → working → completed with results in request order", async () => {
    const t = await open({ jobMs: 40 });
    expect(await t.call("POST", "/users/create_or_update_many", { users: [] })).toMatchObject({ status: 403, json: { error: "Forbidden", message: expect.stringMatching(/^You do not have access to this page/) } });
    t.sandbox.configure({ bulkImport: true });
    expect((await t.call("POST", "/users/create_or_update_many", { users: Array.from({ length: 101 }, (_, i) => ({ name: `U${i}` })) })).status).toBe(400);
    t.sandbox.addUser({ name: "Known", email: "known@example.com" });
    const started = await t.call("POST", "/users/create_or_update_many", { users: [{ name: "New", email: "new@example.com" }, { name: "Known again", email: "known@example.com" }, { name: "Bad", email: "not-an-email" }] });
    expect(started.json.job_status).toMatchObject({ status: "queued", total: 3, results: null });
    const done = await t.job(started.json.job_status.id);
    expect(t.sandbox.log.filter((l) => l.jobStatus).map((l) => l.jobStatus)).toEqual(expect.arrayContaining(["completed"]));
    expect(done.json.job_status).toMatchObject({ status: "completed", progress: 3, message: expect.stringMatching(/^Completed at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000$/) });
    expect(done.json.job_status.results).toEqual([
      { id: expect.any(Number), status: "Created", email: "new@example.com" },
      { id: expect.any(Number), status: "Updated", email: "known@example.com" },
      { id: 2, error: "UserCreateError", details: "Email: not-an-email is not properly formatted", status: "Failed" },
    ]);
  });

  it("expires job statuses, keeps only the last 100, and refuses new jobs while 30 are active", async () => {
    const t = await open({ bulkImport: true, jobMs: 10_000, jobTtlMs: 30 });
    const first = await t.call("POST", "/users/create_or_update_many", { users: [] });
    for (let i = 1; i < 30; i++) await t.call("POST", "/users/create_or_update_many", { users: [] });
    const refused = await t.call("POST", "/users/create_or_update_many", { users: [] });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect((await t.call("GET", `/job_statuses/${first.json.job_status.id}`)).json.job_status.status).toBe("queued");

    const quick = await open({ bulkImport: true, jobMs: 2, jobTtlMs: 30 });
    const kept = await quick.call("POST", "/users/create_or_update_many", { users: [] });
    expect((await quick.job(kept.json.job_status.id)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect((await quick.call("GET", `/job_statuses/${kept.json.job_status.id}`)).status).toBe(404);
    const many = await open({ bulkImport: true, jobMs: 1 });
    const oldest = await many.call("POST", "/users/create_or_update_many", { users: [] });
    for (let i = 0; i < 100; i++) await many.call("POST", "/users/create_or_update_many", { users: [] });
    expect(many.sandbox.jobs.size).toBe(100);
    expect((await many.call("GET", `/job_statuses/${oldest.json.job_status.id}`)).status).toBe(404);
  });

  it("reports update_many and destroy_many items with action, success and status", async () => {
    const t = await open({ jobMs: 2 });
    const a = t.sandbox.addUser({ name: "A", external_id: "a" });
    const b = t.sandbox.addUser({ name: "B", external_id: "b" });
    const updated = await t.job((await t.call("PUT", "/users/update_many?external_ids=a,b", { user: { notes: "vip" } })).json.job_status.id);
    expect(updated.json.job_status.results).toEqual([
      { id: a.id, action: "update", success: true, status: "Updated" },
      { id: b.id, action: "update", success: true, status: "Updated" },
    ]);
    expect(t.sandbox.users.get(a.id)).toMatchObject({ notes: "vip" });
    const deleted = await t.job((await t.call("DELETE", `/users/destroy_many?ids=${a.id},${b.id}`)).json.job_status.id);
    expect(deleted.json.job_status.results).toEqual([
      { id: a.id, action: "delete", success: true, status: "Deleted" },
      { id: b.id, action: "delete", success: true, status: "Deleted" },
    ]);
    expect(await t.call("DELETE", `/users/${a.id}`)).toMatchObject({ status: 404 });
  });

  it("matches organizations on id or external_id, never on name (a taken name is a 422 DuplicateValue)", async () => {
    const t = await open();
    const acme = t.sandbox.addOrganization({ name: "Acme", external_id: "acme-1" });
    expect(await t.call("POST", "/organizations/create_or_update", { organization: { external_id: "ACME-1", name: "Acme Inc" } })).toMatchObject({ status: 200, json: { organization: { id: acme.id, name: "Acme Inc" } } });
    expect(await t.call("POST", "/organizations/create_or_update", { organization: { name: "Acme Inc" } })).toMatchObject({
      status: 422,
      json: { error: "RecordInvalid", details: { name: [{ description: "Name: has already been taken", error: "DuplicateValue" }] } },
    });
    expect((await t.call("POST", "/organizations/create_or_update", { organization: { name: "Initech" } })).status).toBe(201);
    expect(await t.call("GET", "/organizations/search?name=acme%20inc")).toMatchObject({ json: { organizations: [{ id: acme.id }] } });
  });

  it("pages custom fields by offset or cursor, and counts requests per minute in its headers until 429 + Retry-After", async () => {
    const t = await open({ userFields: Array.from({ length: 150 }, (_, i) => ({ id: i + 1, key: `f${i}`, type: "text", title: `F${i}`, active: true })), requestsPerMinute: 4, minuteMs: 60_000 });
    const offset = await t.call("GET", "/user_fields");
    expect(offset.json).toMatchObject({ count: 150, next_page: `${t.sandbox.url}/api/v2/user_fields.json?page=2&per_page=100`, previous_page: null });
    expect(offset.json.user_fields).toHaveLength(100);
    expect(offset.headers.get("x-rate-limit")).toBe("4");
    expect(offset.headers.get("x-rate-limit-remaining")).toBe("3");
    const cursor = await t.call("GET", "/user_fields?page[size]=100");
    expect(cursor.json.meta).toMatchObject({ has_more: true, after_cursor: expect.any(String) });
    const users = await t.call("GET", "/users/me");
    expect(users.headers.get("ratelimit-remaining")).toBe("1");
    expect(Number(users.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
    await t.call("GET", "/users/me");
    const limited = await t.call("GET", "/users/me");
    expect(limited).toMatchObject({ status: 429, json: { error: "APIRateLimitExceeded" } });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
