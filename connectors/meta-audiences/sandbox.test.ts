/** The sandbox against the fact sheet's checklist: it must refuse what Meta refuses, or the connector's tests prove nothing. */
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MetaSandbox, startMetaSandbox } from "./sandbox";

const h = (v: string) => crypto.createHash("sha256").update(v).digest("hex");
let sb: MetaSandbox;
beforeAll(async () => {
  sb = await startMetaSandbox();
});
afterAll(() => sb.close());

type Body = Record<string, unknown>;
/** A JSON body takes its access_token in the query string (the documented form), unless `as` is "json-token-inside". */
async function call(method: string, path: string, body?: Body, as: "json" | "json-token-inside" | "form" | "multipart" = "json") {
  let init: RequestInit = { method };
  if (body && as === "json" && body.access_token !== undefined) {
    const { access_token: token, ...rest } = body;
    return call(method, `${path}${path.includes("?") ? "&" : "?"}access_token=${encodeURIComponent(String(token))}`, rest, "json-token-inside");
  }
  if (body && as.startsWith("json")) init = { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  if (body && as === "form") init = { method, body: new URLSearchParams(Object.entries(body).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])) };
  if (body && as === "multipart") {
    const form = new FormData();
    for (const [k, v] of Object.entries(body)) form.append(k, typeof v === "string" ? v : JSON.stringify(v));
    init = { method, body: form };
  }
  const res = await fetch(`${sb.url}${path}`, init);
  return { status: res.status, headers: res.headers, json: (await res.json()) as Body & { error?: { code: number; error_subcode?: number; message: string } } };
}
const users = (audience: string, data: unknown[], session?: Body, extra: Body = {}) =>
  call("POST", `/v25.0/${audience}/users`, { access_token: sb.token, payload: { schema: ["EMAIL", "EXTERN_ID"], data }, ...(session ? { session } : {}), ...extra });
const row = (n: number) => [h(`person${n}@example.com`), `p${n}`];

describe("the Meta sandbox", () => {
  it("serves /v{NN}.0/ paths only, answers 2635 for a version it does not serve and 190 (HTTP 400) without a valid token in the query, form or JSON", async () => {
    expect((await call("GET", `/v19.0/${sb.adAccountId}?access_token=${sb.token}`)).json.error).toMatchObject({ code: 2635 });
    expect(await call("GET", `/v25.0/${sb.adAccountId}`)).toMatchObject({ status: 400, json: { error: { code: 190, type: "OAuthException" } } });
    expect(await call("GET", `/v25.0/${sb.adAccountId}?access_token=nope`)).toMatchObject({ status: 400, json: { error: { code: 190 } } });
    expect(await call("GET", `/v25.0/${sb.adAccountId}?access_token=${sb.token}`)).toMatchObject({ status: 200, json: { id: sb.adAccountId } });
    const created = await call("POST", `/v25.0/${sb.adAccountId}/customaudiences`, { access_token: sb.token, name: "Form", subtype: "CUSTOM", customer_file_source: "USER_PROVIDED_ONLY" }, "form");
    expect(created).toMatchObject({ status: 200, json: { id: expect.any(String) } });
    expect((await call("POST", `/v25.0/${sb.adAccountId}/customaudiences`, { access_token: sb.token, name: "No source", subtype: "CUSTOM" })).json.error).toMatchObject({ code: 100 });
  });

  it("takes the token of a JSON body from the query string only, and a removal as DELETE or as POST with method=DELETE", async () => {
    const a = sb.addAudience({ name: "Forms", members: [{ EMAIL: h("person1@example.com"), EXTERN_ID: "p1" }, { EMAIL: h("person2@example.com"), EXTERN_ID: "p2" }, { EMAIL: h("person3@example.com"), EXTERN_ID: "p3" }] });
    const payload = (n: number) => ({ schema: ["EMAIL", "EXTERN_ID"], data: [row(n)] });
    // The token inside a JSON body is not a documented form: refused as a missing token.
    expect(await call("POST", `/v25.0/${a.id}/users`, { access_token: sb.token, payload: payload(4) }, "json-token-inside")).toMatchObject({ status: 400, json: { error: { code: 190 } } });
    expect(await call("POST", `/v25.0/${a.id}/users?access_token=${sb.token}`, { payload: payload(4) }, "json-token-inside")).toMatchObject({ status: 200 });
    expect((await call("POST", `/v25.0/${a.id}/users?access_token=${sb.token}&method=DELETE`, { payload: payload(1) }, "json-token-inside")).status).toBe(200);
    expect((await call("DELETE", `/v25.0/${a.id}/users?access_token=${sb.token}`, { payload: payload(2) }, "json-token-inside")).status).toBe(200);
    expect((await call("POST", `/v25.0/${a.id}/users`, { access_token: sb.token, method: "DELETE", payload: payload(3) }, "form")).status).toBe(200);
    expect(sb.audience(a.id)!.members.map((m) => m.EXTERN_ID)).toEqual(["p4"]);
    expect(sb.log.slice(-4).map((l) => `${l.verb}→${l.method}`)).toEqual(["POST→POST", "POST→DELETE", "DELETE→DELETE", "POST→DELETE"]);
  });

  it("keeps rows as sent: a new email for the same person is a second row, and a removal takes the rows sharing one of its person identifiers", async () => {
    const a = sb.addAudience({ name: "Rows", members: [{ EMAIL: h("fr1@example.com"), COUNTRY: h("fr") }, { EMAIL: h("fr2@example.com"), COUNTRY: h("fr") }] });
    const send = (method: string, data: unknown[]) => call("POST", `/v25.0/${a.id}/users`, { access_token: sb.token, ...(method === "DELETE" ? { method } : {}), payload: { schema: ["EXTERN_ID", "EMAIL", "COUNTRY"], data } });
    await send("POST", [["p1", h("old@example.com"), h("fr")], ["p1", h("old@example.com"), h("fr")]]);
    await send("POST", [["p1", h("new@example.com"), h("fr")]]);
    expect(sb.audience(a.id)!.members.filter((m) => m.EXTERN_ID === "p1").map((m) => m.EMAIL)).toEqual([h("old@example.com"), h("new@example.com")]);
    // The removal names p1 and France: both of p1's rows leave, the other French people stay.
    await send("DELETE", [["p1", h("old@example.com"), h("fr")]]);
    expect(sb.audience(a.id)!.members.map((m) => m.EMAIL)).toEqual([h("fr1@example.com"), h("fr2@example.com")]);
  });

  it("counts unhashed, upper-case and schema-breaking rows as invalid entries with samples, and adds the others", async () => {
    const a = sb.addAudience({ name: "Validation" });
    const answer = await users(a.id, [row(1), ["mary@example.com", "p2"], [h("x@example.com").toUpperCase(), "p3"], [h("short@example.com")], ["", ""]]);
    expect(answer).toMatchObject({ status: 200, json: { audience_id: a.id, num_received: 5, num_invalid_entries: 4 } });
    expect(answer.json.invalid_entry_samples).toMatchObject({ "mary@example.com": expect.stringContaining("Meta takes no unhashed EMAIL") });
    expect(sb.audience(a.id)!.members).toEqual([{ EMAIL: h("person1@example.com"), EXTERN_ID: "p1" }]);
    // Meta's own verdict on a well-hashed row is sampled by the value it names, else by the row as sent.
    sb.configure({ invalid: (m) => (m.EXTERN_ID === "p5" ? { reason: "Unusable email", key: "EMAIL" } : m.EXTERN_ID === "p6" ? "Unusable row" : undefined) });
    const judged = await users(a.id, [row(5), row(6), row(7)]);
    sb.configure({ invalid: undefined });
    expect(judged.json).toMatchObject({ num_invalid_entries: 2, invalid_entry_samples: { [h("person5@example.com")]: "Unusable email", [JSON.stringify(row(6))]: "Unusable row" } });
    expect((await users(a.id, Array.from({ length: 10_001 }, (_, i) => row(i)))).json.error).toMatchObject({ code: 100 });
  });

  it("keeps /users sessions in sequence: batch_seq 1 first, each next one after it, a repeated batch counted once, nothing after the last batch", async () => {
    const a = sb.addAudience({ name: "Sessions" });
    expect((await users(a.id, [row(1)], { session_id: 77, batch_seq: 2, last_batch_flag: false })).json.error).toMatchObject({ code: 2650, error_subcode: 1870147 });
    expect((await users(a.id, [row(1), row(2)], { session_id: 77, batch_seq: 1, last_batch_flag: false })).json).toMatchObject({ session_id: "77", num_received: 2 });
    expect((await users(a.id, [row(1), row(2)], { session_id: 77, batch_seq: 1, last_batch_flag: false })).json).toMatchObject({ num_received: 2 });
    expect((await users(a.id, [row(3)], { session_id: 77, batch_seq: 3, last_batch_flag: false })).json.error).toMatchObject({ code: 100 });
    expect((await users(a.id, [row(3)], { session_id: 77, batch_seq: 2, last_batch_flag: true })).json).toMatchObject({ num_received: 3 });
    expect((await users(a.id, [row(4)], { session_id: 77, batch_seq: 3, last_batch_flag: false })).json.error).toMatchObject({ code: 2650, error_subcode: 1870159 });
    expect(sb.audience(a.id)!.members).toHaveLength(3);
    // Removal as a form with method=DELETE, its payload a JSON string.
    const removed = await call("POST", `/v25.0/${a.id}/users`, { access_token: sb.token, method: "DELETE", payload: { schema: ["EMAIL", "EXTERN_ID"], data: [row(2)] } }, "multipart");
    expect(removed.status).toBe(200);
    expect(sb.audience(a.id)!.members.map((m) => m.EXTERN_ID)).toEqual(["p1", "p3"]);
    // 90 minutes after its first batch, a session discards what comes.
    await users(a.id, [row(5)], { session_id: 78, batch_seq: 1, last_batch_flag: false });
    sb.advance(91 * 60_000);
    expect((await users(a.id, [row(6)], { session_id: 78, batch_seq: 2, last_batch_flag: false })).json).toMatchObject({ num_received: 1 });
    expect(sb.audience(a.id)!.members.map((m) => m.EXTERN_ID)).toEqual(["p1", "p3", "p5"]);
  });

  it("replaces through usersreplace: one replace at a time, no /users meanwhile, the swap on the last batch, what arrived kept when the window ends", async () => {
    const a = sb.addAudience({ name: "Replace", members: [{ EMAIL: h("old@example.com") }] });
    const replace = (data: unknown[], session: Body) => call("POST", `/v25.0/${a.id}/usersreplace`, { access_token: sb.token, payload: { schema: ["EMAIL", "EXTERN_ID"], data }, session });
    expect((await replace([row(1)], { session_id: 900, batch_seq: 1, last_batch_flag: false })).json).toMatchObject({ account_id: sb.adAccountId.slice(4), num_received: 1 });
    expect((await users(a.id, [row(9)])).json.error).toMatchObject({ code: 2650, error_subcode: 1870145 });
    expect((await replace([row(9)], { session_id: 901, batch_seq: 1, last_batch_flag: false })).json.error).toMatchObject({ code: 2650, error_subcode: 1870145 });
    expect((await replace([row(2)], { session_id: 900, batch_seq: 1 })).json).toMatchObject({ num_received: 1 });
    expect((await replace([row(2)], { session_id: 900, batch_seq: 5, last_batch_flag: false })).json).toMatchObject({ num_received: 2 });
    expect((await replace([row(3)], { session_id: 900, batch_seq: 3, last_batch_flag: false })).json.error).toMatchObject({ code: 100 });
    expect(sb.audience(a.id)!.members).toEqual([{ EMAIL: h("old@example.com") }]);
    await replace([row(3)], { session_id: 900, batch_seq: 6, last_batch_flag: true });
    expect(sb.audience(a.id)!.members.map((m) => m.EXTERN_ID)).toEqual(["p1", "p2", "p3"]);
    expect((await replace([row(4)], { session_id: 900, batch_seq: 7, last_batch_flag: false })).json.error).toMatchObject({ code: 2650, error_subcode: 1870159 });

    await replace([row(7)], { session_id: 902, batch_seq: 1, last_batch_flag: false });
    sb.advance(91 * 60_000);
    expect((await replace([row(8)], { session_id: 902, batch_seq: 2, last_batch_flag: false })).json.error).toMatchObject({ code: 2650, error_subcode: 1870158 });
    expect(sb.audience(a.id)!.members.map((m) => m.EXTERN_ID)).toEqual(["p7"]);
  });

  it("throttles with 80003 and X-Business-Use-Case-Usage, blocks flagged audiences with 100/1713230", async () => {
    const a = sb.addAudience({ name: "Limits" });
    sb.inject({ code: 80003, regainMinutes: 3 });
    const limited = await users(a.id, [row(1)]);
    expect(limited.json.error).toMatchObject({ code: 80003, error_subcode: 2446079 });
    expect(JSON.parse(limited.headers.get("x-business-use-case-usage")!)).toEqual({ [sb.adAccountId.slice(4)]: [expect.objectContaining({ type: "custom_audience", estimated_time_to_regain_access: 3 })] });
    expect((await users(a.id, [row(1)])).status).toBe(200);
    a.flagged = true;
    expect((await users(a.id, [row(2)])).json.error).toMatchObject({ code: 100, error_subcode: 1713230 });
    expect((await call("GET", `/v25.0/${a.id}?access_token=${sb.token}`)).json).toMatchObject({ operation_status: { code: 471 } });
  });
});
