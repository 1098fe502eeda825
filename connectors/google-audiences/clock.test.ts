/** Time as the connector sees it (the context's clock): the token it signs, and a replace's starting point when Google gives none. */
import { describe, expect, it } from "vitest";
import { connectorContext } from "@/lib/http/context";
import { manualClock } from "@/test/clock";
import type { DeliveryContext, HttpRequest } from "../types";
import { googleAudiences } from ".";
import { type GoogleAudiencesSecrets, type GoogleAudiencesSettings, googleAudiencesSettingsSchema } from "./config";
import { startGoogleAudiencesSandbox } from "./sandbox";
import { serviceAccountKeyPair } from "./testing";

const account = serviceAccountKeyPair();
const HOURS_2 = 2 * 3_600_000;

const connection = (at: { url: string; tokenUrl: string }) => ({
  settings: googleAudiencesSettingsSchema.parse({
    operatingAccountId: "123-456-7890",
    defaultAdUserData: "GRANTED",
    defaultAdPersonalization: "DENIED",
    customerMatchTermsAccepted: true,
    apiBaseUrl: at.url,
    tokenUrl: at.tokenUrl,
  }) as GoogleAudiencesSettings,
  secrets: { serviceAccountKey: account.json } as GoogleAudiencesSecrets,
});

describe("Google audiences on the connector's clock", () => {
  it("signs the token request at the clock's time: Google two hours ahead of the machine takes it when the clock is too", async () => {
    const google = await startGoogleAudiencesSandbox({
      serviceAccount: { email: account.email, publicKey: account.publicKey },
      accounts: { "1234567890": { lists: [{ id: "5550001", displayName: "Buyers" }] } },
      clockOffsetMs: HOURS_2,
    });
    try {
      const ctx = { ...connectorContext(connection(google)), clock: manualClock(Date.now() + HOURS_2) };
      expect(await googleAudiences.test(ctx)).toMatchObject({ ok: true, message: expect.stringMatching(/^Signed in as /) });
    } finally {
      await google.close();
    }
  });

  it("starts a replace a minute before the clock's time when Google's answer carries no Date", async () => {
    const http = async (request: HttpRequest) => {
      const json = request.url.endsWith("/token") ? { access_token: "ya29.token", expires_in: 3600 } : { id: "5550001", displayName: "Buyers" };
      return { status: 200, headers: new Headers(), text: JSON.stringify(json), json };
    };
    const clock = manualClock(Date.parse("2026-03-01T12:00:00Z"));
    const ctx: DeliveryContext<GoogleAudiencesSettings, GoogleAudiencesSecrets> = {
      connection: connection({ url: "https://datamanager.example", tokenUrl: "https://datamanager.example/token" }),
      http,
      clock,
      object: "5550001",
      mode: "replace",
      fields: ["member_id", "email"],
      key: "member_id",
      runId: "run",
      syncId: "sync",
      startedAt: new Date(clock.now()),
      records: async function* () {},
    };
    expect(await googleAudiences.delivery.begin(ctx)).toMatchObject({ asOf: "2026-03-01T11:59:00.000Z" });
  });
});
