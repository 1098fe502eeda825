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

  /** A replace's delivery context whose requests Google answers with `date` (its Date header for each call, if any). */
  const replaceContext = (clock: ReturnType<typeof manualClock>, date: () => string | undefined): DeliveryContext<GoogleAudiencesSettings, GoogleAudiencesSecrets> => {
    const http = async (request: HttpRequest) => {
      const json = request.url.endsWith("/token") ? { access_token: "ya29.token", expires_in: 3600 } : { id: "5550001", displayName: "Buyers" };
      const at = request.url.endsWith("/token") ? undefined : date();
      return { status: 200, headers: new Headers(at ? { date: at } : {}), text: JSON.stringify(json), json };
    };
    return {
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
  };

  it("starts a replace a minute before the clock's time when Google's answer carries no Date", async () => {
    const clock = manualClock(Date.parse("2026-03-01T12:00:00Z"));
    expect(await googleAudiences.delivery.begin(replaceContext(clock, () => undefined))).toMatchObject({ asOf: "2026-03-01T11:59:00.000Z" });
  });

  it("starts a replace at Google's next second: a member added earlier in the second its first answer names is from before", async () => {
    // Google's clock, read from each answer's Date (whole seconds): 12:00:00.400 at the first answer, 0.3 s more at each.
    let google = Date.parse("2026-03-01T12:00:00.400Z");
    const clock = manualClock(Date.parse("2026-03-01T12:00:00Z"));
    const dates: string[] = [];
    const begun = await googleAudiences.delivery.begin(
      replaceContext(clock, () => {
        dates.push(new Date(google).toUTCString());
        google += 300;
        return dates.at(-1);
      }),
    );
    // Not 12:00:00 (the first answer's second): a member added at 12:00:00.200, before the run, would be kept.
    expect(begun).toMatchObject({ asOf: "2026-03-01T12:00:01.000Z" });
    expect(dates).toEqual(["Sun, 01 Mar 2026 12:00:00 GMT", "Sun, 01 Mar 2026 12:00:00 GMT", "Sun, 01 Mar 2026 12:00:01 GMT"]);
  });
});
