/** How long the connector reuses a Splio token: counted on the connector's clock, from the token's own expiry. */
import { describe, expect, it } from "vitest";
import { manualClock } from "@/test/clock";
import type { HttpRequest } from "../types";
import { splioCall } from "./client";
import { splioSettingsSchema } from "./config";

let keys = 0;
/** Splio issuing tokens that expire `lifetimeSeconds` after the clock's now, and answering every other call. */
function splioIssuing(lifetimeSeconds: number) {
  const clock = manualClock();
  const sent: string[] = [];
  const http = async (request: HttpRequest) => {
    sent.push(`${request.method} ${new URL(request.url).pathname}`);
    const exp = Math.floor(clock.now() / 1000) + lifetimeSeconds;
    const json = request.url.endsWith("/authenticate") ? { token: `${Buffer.from("{}").toString("base64url")}.${Buffer.from(JSON.stringify({ exp })).toString("base64url")}.sig` } : { unique_key: "email" };
    return { status: 200, headers: new Headers(), text: JSON.stringify(json), json };
  };
  // Its own API key each: tokens are cached per key, across tests.
  const ctx = { connection: { settings: splioSettingsSchema.parse({}), secrets: { apiKey: `key-${++keys}` } }, http, clock };
  const call = () => splioCall(ctx, { method: "GET", path: "/universes/unique-key" });
  return { clock, call, exchanges: () => sent.filter((s) => s === "POST /authenticate").length };
}

describe("Splio's token", () => {
  it("is reused for 50 minutes on the connector's clock, then exchanged again", async () => {
    const splio = splioIssuing(24 * 3600);
    await splio.call();
    splio.clock.advance(49 * 60_000);
    await splio.call();
    expect(splio.exchanges()).toBe(1);
    splio.clock.advance(2 * 60_000);
    await splio.call();
    expect(splio.exchanges()).toBe(2);
  });

  it("is reused only until a minute before the expiry it carries, when that comes sooner", async () => {
    const splio = splioIssuing(10 * 60);
    await splio.call();
    splio.clock.advance(8 * 60_000);
    await splio.call();
    expect(splio.exchanges()).toBe(1);
    splio.clock.advance(60_000);
    await splio.call();
    expect(splio.exchanges()).toBe(2);
  });
});
