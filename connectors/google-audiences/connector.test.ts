/** The connection's own calls (test, lists, fields), its settings' checks and the payload preview, against the sandbox. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeliveryContext } from "../types";
import { googleAudiences } from ".";
import { dataManager } from "./client";
import { type GoogleAudiencesSecrets, type GoogleAudiencesSettings, googleAudiencesSecretsSchema, googleAudiencesSettingsSchema } from "./config";
import { destinationOf } from "./delivery";
import { type GoogleAudiencesSandbox, startGoogleAudiencesSandbox } from "./sandbox";
import { serviceAccountKeyPair, sha256 } from "./testing";
import { connectorContext } from "@/lib/http/context";

const account = serviceAccountKeyPair();
let sandbox: GoogleAudiencesSandbox;

beforeAll(async () => {
  sandbox = await startGoogleAudiencesSandbox({
    serviceAccount: { email: account.email, publicKey: account.publicKey },
    accounts: {
      "1234567890": {
        lists: [
          { id: "5550001", displayName: "Buyers" },
          { id: "5550002", displayName: "App users", uploadKeyTypes: ["MOBILE_ID"] },
          { id: "5550003", displayName: "Shared with us", readOnly: true },
        ],
      },
      // A manager account the service account signs in through, reaching its client 1112223333.
      "9990001111": { clients: ["1112223333"] },
    },
  });
  sandbox.lists.set("7770001", { account: "1112223333", id: "7770001", displayName: "Client buyers", uploadKeyTypes: ["CONTACT_ID"], readOnly: false, members: new Map() });
});
afterAll(() => sandbox?.close());

const connection = (settings: Record<string, unknown> = {}, key = account.json) => ({
  settings: googleAudiencesSettingsSchema.parse({
    operatingAccountId: "123-456-7890",
    defaultAdUserData: "GRANTED",
    defaultAdPersonalization: "DENIED",
    customerMatchTermsAccepted: true,
    apiBaseUrl: sandbox.url,
    tokenUrl: sandbox.tokenUrl,
    ...settings,
  }) as GoogleAudiencesSettings,
  secrets: { serviceAccountKey: key } as GoogleAudiencesSecrets,
});

const context = (mode: "incremental" | "replace"): DeliveryContext<GoogleAudiencesSettings, GoogleAudiencesSecrets> => ({
  ...connectorContext(connection()),
  object: "5550001",
  mode,
  fields: ["member_id", "email", "ad_user_data"],
  key: "member_id",
  runId: "run",
  syncId: "sync",
  startedAt: new Date(),
  records: async function* () {},
});

describe("a Google Ads audiences connection", () => {
  it("lists the account's writable Customer Match lists as audiences, or the one list configured", async () => {
    expect(await googleAudiences.listObjects(connectorContext(connection()))).toEqual([{ name: "5550001", label: "Buyers", description: "Customer Match list 5550001" }]);
    expect(await googleAudiences.listObjects(connectorContext(connection({ userListId: "5550001" })))).toEqual([{ name: "5550001", label: "Buyers", description: "Customer Match list 5550001" }]);
    await expect(googleAudiences.listObjects(connectorContext(connection({ userListId: "404" })))).rejects.toThrow("Google has no user list 404 in GOOGLE_ADS account 123-456-7890");
    expect((await googleAudiences.listFields(connectorContext(connection()), "5550001")).map((f) => f.name)).toEqual(["member_id", "email", "phone", "first_name", "last_name", "region_code", "postal_code", "ad_user_data", "ad_personalization"]);
  });

  it("tests the connection: signed in, account reachable directly or through a login (manager) account; says what is wrong otherwise", async () => {
    expect(await googleAudiences.test(connectorContext(connection()))).toEqual({ ok: true, message: `Signed in as ${account.email}; account 123-456-7890 has 1 Customer Match lists to write to` });
    expect(await googleAudiences.test(connectorContext(connection({ operatingAccountId: "1112223333", loginAccountId: "999-000-1111", userListId: "7770001" })))).toMatchObject({ ok: true });
    expect(await googleAudiences.test(connectorContext(connection({ operatingAccountId: "1112223333" })))).toMatchObject({
      ok: false,
      message: expect.stringMatching(new RegExp(`^Google refused access to GOOGLE_ADS account 1112223333: give ${account.email} access to it \\(403 PERMISSION_DENIED`)),
    });
    expect(await googleAudiences.test(connectorContext(connection({}, serviceAccountKeyPair(account.email).json)))).toMatchObject({ ok: false, message: expect.stringContaining("invalid_grant: Invalid JWT Signature.") });
    sandbox.configure({ serviceDisabled: true });
    try {
      expect(await googleAudiences.test(connectorContext(connection()))).toMatchObject({ ok: false, message: expect.stringMatching(/^The Data Manager API is not enabled in the service account's Cloud project/) });
    } finally {
      sandbox.configure({ serviceDisabled: false });
    }
  });

  it("checks its settings and key with clear messages", () => {
    const settings = googleAudiencesSettingsSchema.safeParse({ operatingAccountId: "12-34", defaultAdUserData: "GRANTED" });
    expect(settings.success).toBe(false);
    const messages = settings.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        "operatingAccountId: Enter the account's number, such as 123-456-7890",
        "defaultAdPersonalization: Say what your users consented to: GRANTED or DENIED",
        "customerMatchTermsAccepted: Accept Google's Customer Match terms of service: uploads are refused without them",
      ]),
    );
    expect(googleAudiencesSecretsSchema.safeParse({ serviceAccountKey: "{}" }).error?.issues[0]?.message).toBe('This is not a service account key: its "type" must be "service_account"');
    expect(googleAudiencesSecretsSchema.safeParse({ serviceAccountKey: account.json }).success).toBe(true);
  });

  it("previews what a record is sent as: each value, normalised, then hashed in the connection's encoding, and the consent", () => {
    const preview = googleAudiences.preview!(connectorContext(connection({ encoding: "BASE64" })), "5550001", { member_id: "c_1", email: "Jane.Doe+x@GMAIL.com", phone: "0612345678", region_code: "fr", ad_user_data: true }, {});
    const b64 = (s: string) => Buffer.from(sha256(s), "hex").toString("base64");
    expect(preview.fields).toEqual([
      { name: "member_id", value: "c_1", normalised: null, sent: null, note: "Relay's key for this member: not sent to Google" },
      { name: "email", value: "Jane.Doe+x@GMAIL.com", normalised: "janedoe@gmail.com", sent: b64("janedoe@gmail.com") },
      { name: "phone", value: "0612345678", normalised: "+33612345678", sent: b64("+33612345678") },
      { name: "region_code", value: "fr", normalised: "FR", sent: null, note: "Used for the phone's country code; not sent without a full address" },
      { name: "ad_user_data", value: true, normalised: "CONSENT_GRANTED", sent: "CONSENT_GRANTED" },
      { name: "consent", value: null, normalised: "adUserData CONSENT_GRANTED, adPersonalization CONSENT_DENIED", sent: "adUserData CONSENT_GRANTED, adPersonalization CONSENT_DENIED", note: "The consent Google receives for this member" },
    ]);
    const empty = googleAudiences.preview!(connectorContext(connection()), "5550001", { member_id: "c_2", email: null, ad_personalization: "perhaps" }, {});
    expect(empty.fields.find((f) => f.name === "ad_personalization")).toMatchObject({ sent: null, note: 'ad_personalization "perhaps" is not a consent: give true/false, GRANTED/DENIED or granted/denied' });
    expect(googleAudiences.preview!(connectorContext(connection()), "5550001", { member_id: "c_2", email: null }, {}).fields.at(-1)).toMatchObject({ name: "member", note: expect.stringMatching(/^No identifier to match on/) });
  });

  it("previews the consent a run sends: granted under the sync's consent rule, and a member who denied ad user data as not sent at all", async () => {
    const denying = connection({ defaultAdUserData: "DENIED", defaultAdPersonalization: "DENIED" });
    const rule = { consent: { channel: "email" } };
    const cases: [{ consent?: { channel: string } }, Record<string, unknown>][] = [
      [{}, { member_id: "p_1", email: "p1@example.com" }],
      [rule, { member_id: "p_2", email: "p2@example.com" }],
      [rule, { member_id: "p_3", email: "p3@example.com", ad_personalization: false }],
      [rule, { member_id: "p_4", email: "p4@example.com", ad_user_data: "withdrawn" }],
    ];
    const shown = cases.map(([sync, payload]) => {
      const fields = googleAudiences.preview!(connectorContext(denying), "5550001", payload, sync).fields;
      const consent = fields.find((f) => f.name === "consent")!;
      return { consent: consent.sent ?? consent.note, email: fields.find((f) => f.name === "email")!.sent };
    });
    expect(shown).toEqual([
      { consent: "consent for ad user data denied: not sent", email: null },
      { consent: "adUserData CONSENT_GRANTED, adPersonalization CONSENT_GRANTED", email: sha256("p2@example.com") },
      { consent: "adUserData CONSENT_GRANTED, adPersonalization CONSENT_DENIED", email: sha256("p3@example.com") },
      { consent: "consent for ad user data denied: not sent", email: null },
    ]);
    // What a run sends for the same records, read from what reached Google.
    const delivered = [];
    for (const [sync, payload] of cases) {
      const ctx = { ...context("incremental"), connection: denying, consent: sync.consent };
      const from = sandbox.log.length;
      const { results } = await googleAudiences.delivery.write(ctx, await googleAudiences.delivery.begin(ctx), [{ key: String(payload.member_id), op: "create", payload }]);
      const body = sandbox.log.slice(from).find((l) => l.path === "/v1/audienceMembers:ingest")?.body as { consent: object; audienceMembers: { consent?: object; userData: { userIdentifiers: { emailAddress: string }[] } }[] } | undefined;
      const member = body?.audienceMembers[0];
      const consent = member && ({ ...body.consent, ...member.consent } as { adUserData: string; adPersonalization: string });
      delivered.push({
        consent: consent ? `adUserData ${consent.adUserData}, adPersonalization ${consent.adPersonalization}` : results[0]!.status === "failed" && results[0]!.message,
        email: member?.userData.userIdentifiers[0]!.emailAddress ?? null,
      });
    }
    expect(delivered).toEqual(shown);
  });
});

describe("members who denied consent to ad user data", () => {
  it("are never sent: rejected with a clear message; one sent before is removed with the identifiers last sent", async () => {
    const ctx = context("incremental");
    const { delivery } = googleAudiences;
    const from = sandbox.log.length;
    const before = { emailAddress: sha256("was-granted@example.com"), phoneNumber: sha256("+33612345678") };
    sandbox.lists.get("5550001")!.members.set(`email:${before.emailAddress}`, { lastAdded: Date.now(), consent: {} });
    sandbox.lists.get("5550001")!.members.set(`phone:${before.phoneNumber}`, { lastAdded: Date.now(), consent: {} });
    const { results } = await delivery.write(ctx, await delivery.begin(ctx), [
      { key: "d_1", op: "create", payload: { member_id: "d_1", email: "never-sent@example.com", ad_user_data: "denied" } },
      { key: "d_2", op: "update", payload: { member_id: "d_2", email: "now-denied@example.com", ad_user_data: false }, identifiers: before },
      { key: "d_3", op: "create", payload: { member_id: "d_3", email: "granted@example.com", ad_user_data: "granted" } },
    ]);
    expect(results).toEqual([
      { key: "d_1", status: "failed", kind: "rejected", message: "consent for ad user data denied: not sent" },
      { key: "d_2", status: "failed", kind: "rejected", message: "consent for ad user data denied: not sent; what was sent of this member before was removed from the audience" },
      { key: "d_3", status: "ok", op: "create", identifiers: { emailAddress: sha256("granted@example.com") } },
    ]);
    const calls = sandbox.log.slice(from);
    expect(calls.map((l) => `${l.path} ${l.status}`)).toEqual(["/v1/audienceMembers:remove 200", "/v1/audienceMembers:ingest 200"]);
    expect(calls[0]!.body!.audienceMembers).toEqual([{ userData: { userIdentifiers: [{ emailAddress: before.emailAddress }, { phoneNumber: before.phoneNumber }] } }]);
    expect(JSON.stringify(calls[1]!.body)).not.toContain(sha256("never-sent@example.com"));
    expect(JSON.stringify(calls[1]!.body)).not.toContain(sha256("now-denied@example.com"));
    expect(sandbox.members("5550001").has(`email:${before.emailAddress}`)).toBe(false);
    expect(sandbox.members("5550001").has(`phone:${before.phoneNumber}`)).toBe(false);
  });
});

describe("a replace's commit", () => {
  it("keeps the old members when Google failed the upload, after waiting for its verdict", async () => {
    const ctx = context("replace");
    const { delivery } = googleAudiences;
    const begun = await delivery.begin(ctx);
    // An upload Google fails as a whole in processing (its only member's consent denied: sent directly, as Relay never sends one).
    const upload = await dataManager(ctx).call("POST", "/v1/audienceMembers:ingest", {
      destinations: [destinationOf(ctx.connection.settings, ctx.object)],
      encoding: "HEX",
      consent: { adUserData: "CONSENT_DENIED", adPersonalization: "CONSENT_DENIED" },
      termsOfService: { customerMatchTermsOfServiceStatus: "ACCEPTED" },
      audienceMembers: [{ userData: { userIdentifiers: [{ emailAddress: sha256("denied@example.com") }] } }],
    });
    const state = { ...begun, ingestRequestIds: [(upload.json as { requestId: string }).requestId], uploads: 1 };
    const waits: number[] = [];
    let commit = await delivery.commit(ctx, state);
    while (commit.pending) {
      waits.push(commit.pending.waitSeconds);
      commit = await delivery.commit(ctx, commit.pending.state).catch((e: Error) => ({ message: `threw: ${e.message}` }));
    }
    expect(waits).toEqual([30, 60]);
    expect(commit.message).toMatch(/^threw: Google failed upload [\w-]+ of this replace \(DENIED_CONSENT × 1\): the members from before were left in the audience$/);
    expect(sandbox.log.some((l) => l.path === "/v1/audienceMembers:removeAll")).toBe(false);
  });

  it("does not remove the members from before when some could not be uploaded again", async () => {
    await expect(googleAudiences.delivery.commit(context("replace"), { asOf: new Date().toISOString(), ingestRequestIds: [], checks: 0, unsent: 2 })).rejects.toThrow(
      "2 members could not be uploaded after retries, so the replace did not remove the members from before",
    );
    expect(sandbox.log.some((l) => l.path === "/v1/audienceMembers:removeAll")).toBe(false);
  });
});
