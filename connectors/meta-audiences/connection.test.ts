/** The Meta connection: Test connection, the audiences and fields it offers, and how it reads Meta's throttles. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { connectorContext } from "@/lib/http/context";
import { metaAudiences } from ".";
import { graphLimits, regainAccessMs } from "./client";
import { metaDeliveryTestbed } from "./delivery-testbed";

const setup = metaDeliveryTestbed();

describe("the Meta connection", () => {
  it("tests the token and the ad account, and says plainly what is wrong", async () => {
    const t = await setup();
    const conn = t.ctx.connection;
    expect(await metaAudiences.test(connectorContext(conn))).toEqual({ ok: true, message: `Connected to "Relay sandbox" (${t.sandbox.adAccountId}): 1 customer-list audience` });
    expect(await metaAudiences.test(connectorContext({ ...conn, secrets: { accessToken: "expired-token-000000000000" } }))).toEqual({ ok: false, message: expect.stringMatching(/^Meta refused the access token/) });
    expect(await metaAudiences.test(connectorContext({ ...conn, settings: { ...conn.settings, graphVersion: "v19.0" } }))).toEqual({ ok: false, message: expect.stringMatching(/^Graph API v19.0 is no longer served/) });
    expect(await metaAudiences.test(connectorContext({ ...conn, settings: { ...conn.settings, adAccountId: "act_42" } }))).toEqual({ ok: false, message: expect.stringMatching(/^The token cannot reach act_42/) });
  });

  it("keeps the access token out of error messages, though it travels in the query string", async () => {
    const t = await setup();
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await metaAudiences.test(connectorContext({ ...t.ctx.connection, settings: { ...t.ctx.connection.settings, apiBaseUrl: `http://127.0.0.1:${port}` } }));
    expect(result).toEqual({ ok: false, message: expect.stringContaining("Could not reach Meta") });
    expect(result.message).not.toContain(t.sandbox.token);
  });

  it("lists customer-list audiences only, offers the identifiers as fields, and refuses a website audience", async () => {
    const t = await setup();
    const website = t.sandbox.addAudience({ name: "Visitors", subtype: "WEBSITE" });
    expect(await metaAudiences.listObjects(connectorContext(t.ctx.connection))).toEqual([{ name: t.audience.id, label: "Lifecycle", description: "Customer list, about 1 person" }]);
    const fields = await metaAudiences.listFields(connectorContext(t.ctx.connection), t.audience.id);
    expect(fields.map((f) => `${f.name}${f.key ? `:${f.key}` : ""}`)).toEqual(["EXTERN_ID:primary", "EMAIL:unique", "PHONE:unique", "FN", "LN", "CT", "ST", "ZIP", "COUNTRY", "DOBY", "GEN"]);
    await expect(metaAudiences.listFields(connectorContext(t.ctx.connection), website.id)).rejects.toThrow('"Visitors" is not a customer-list audience');
    await expect(metaAudiences.delivery.begin({ ...t.ctx, object: website.id })).rejects.toThrow("not a customer-list audience (subtype WEBSITE)");
  });

  it("reads Meta's throttles as waits: the header's minutes for 80003 (a run-ending limit past 10), a minute for a busy audience, none for other answers", () => {
    const answer = (status: number, error: unknown, headers: Record<string, string> = {}) => ({ status, headers: new Headers(headers), text: "", json: { error } });
    const usage = JSON.stringify({ "1000000001": [{ type: "custom_audience", call_count: 100, estimated_time_to_regain_access: 7 }], "2": [{ estimated_time_to_regain_access: 2 }] });
    expect(regainAccessMs(new Headers({ "x-business-use-case-usage": usage }))).toBe(7 * 60_000);
    expect(graphLimits(answer(400, { code: 80003, error_subcode: 2446079 }, { "x-business-use-case-usage": usage }))).toEqual({ retryAfterMs: 420_000 });
    expect(graphLimits(answer(400, { code: 17 }))).toEqual({ retryAfterMs: 60_000 });
    const longer = JSON.stringify({ "1000000001": [{ type: "custom_audience", estimated_time_to_regain_access: 45 }] });
    expect(graphLimits(answer(400, { code: 80003 }, { "x-business-use-case-usage": longer }))).toEqual({ exhausted: expect.stringContaining("access returns in about 45 minutes") });
    expect(graphLimits(answer(400, { code: 2650, error_subcode: 1870145 }))).toEqual({ retryAfterMs: 60_000 });
    expect(graphLimits(answer(400, { code: 2, is_transient: true }))).toEqual({ retryAfterMs: 5_000 });
    expect(graphLimits(answer(500, { code: 1 }))).toBeUndefined();
    expect(graphLimits(answer(400, { code: 100 }))).toBeUndefined();
  });
});
