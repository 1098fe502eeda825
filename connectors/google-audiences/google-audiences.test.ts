/** Syncing the demo contacts to a Customer Match list through the real engine, against the Data Manager sandbox. */
import { and, asc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createConnection, updateConnection } from "@/lib/db/queries/connections";
import { getDatasetByName, insertDataset } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/db/queries/syncs";
import { contacts, syncRecordLogs, syncRecords, syncRunSteps } from "@/lib/db/schema";
import { connectTestDb, newWorkspace } from "@/lib/testing/db";
import { syncTestRuntime } from "@/lib/testing/sync-runtime";
import type { MappingEntry } from "@/lib/mapping/schema";
import { normalizeEmail } from "./normalize";
import { type GoogleSandboxOptions, startGoogleAudiencesSandbox } from "./sandbox";
import { serviceAccountKeyPair, sha256 } from "./testing";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);
const account = serviceAccountKeyPair();
const LIST = "5550001";
const COUNTRIES = ["FR", "DE", "GB", "ES", "US", "IT", "NL"];

const identifiersMapping: MappingEntry[] = [
  { from: { field: "email" }, to: "email", transforms: [] },
  { from: { field: "phone" }, to: "phone", transforms: [] },
  { from: { field: "first_name" }, to: "first_name", transforms: [] },
  { from: { field: "last_name" }, to: "last_name", transforms: [] },
  { from: { field: "country" }, to: "region_code", transforms: [] },
];

/** A workspace with the demo's contacts, a sandbox Google, and a sync of the contacts in COUNTRIES to its Customer Match list. */
async function setup(p: { contacts?: number; sandbox?: Partial<GoogleSandboxOptions>; mapping?: MappingEntry[]; defaultConsent?: "GRANTED" | "DENIED"; consent?: { channel: "email" }; postalCodes?: boolean } = {}) {
  const sandbox = runtime.closeAfter(
    await startGoogleAudiencesSandbox({
      serviceAccount: { email: account.email, publicKey: account.publicKey },
      accounts: { "1234567890": { lists: [{ id: LIST, displayName: "Buyers" }, { id: "5550002", displayName: "App users", uploadKeyTypes: ["MOBILE_ID"] }] } },
      ...p.sandbox,
    }),
  );
  const workspaceId = await newWorkspace(db, { seed: { contacts: p.contacts ?? 30, products: 2, orders: 10, orderItems: 20 } });
  const contactsDataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
  // The demo has no postal codes: a dataset of the contacts with one read from their traits.
  const dataset = p.postalCodes
    ? await insertDataset(db, { workspaceId, name: "Contacts with postal codes", definition: { ...contactsDataset.definition, traits: [{ key: "postal_code", type: "string" }] } })
    : contactsDataset;
  const settings = { operatingAccountId: "123-456-7890", defaultAdUserData: p.defaultConsent ?? "GRANTED", defaultAdPersonalization: p.defaultConsent ?? "GRANTED", customerMatchTermsAccepted: true, apiBaseUrl: sandbox.url, tokenUrl: sandbox.tokenUrl };
  const connection = await createConnection(db, { workspaceId, connector: "google-audiences", name: "Google Ads", settings, secrets: { serviceAccountKey: account.json } });
  const sync = await createSync(db, {
    workspaceId,
    input: {
      name: "Buyers to Google Ads",
      datasetId: dataset.id,
      connectionId: connection.id,
      object: LIST,
      filter: { type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "is_one_of", value: COUNTRIES }] },
      mapping: p.mapping ?? identifiersMapping,
      matchKey: { from: "id", to: "member_id" },
      onLeave: "delete",
      consent: p.consent,
    },
  });
  const run = (mode: "incremental" | "replace" = "incremental") => runtime.run({ workspaceId, syncId: sync.id, mode }, 60_000);
  const setContact = (id: string, values: Partial<typeof contacts.$inferInsert>) => db.update(contacts).set({ ...values, updatedAt: new Date() }).where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, id)));
  const people = () => db.query.contacts.findMany({ where: eq(contacts.workspaceId, workspaceId), orderBy: asc(contacts.id) });
  const emailKey = (email: string) => `email:${sha256((normalizeEmail(email) as { value: string }).value)}`;
  const logOf = (runId: string, key: string) => db.query.syncRecordLogs.findMany({ where: and(eq(syncRecordLogs.runId, runId), eq(syncRecordLogs.recordKey, key)) });
  const since = (from: number) => sandbox.log.slice(from).map((l) => `${l.method} ${l.path} ${l.status}`);
  return { sandbox, workspaceId, connection, sync, run, setContact, people, emailKey, logOf, since, members: () => sandbox.members(LIST) };
}

describe("syncing contacts to a Google Ads audience", () => {
  it("adds every contact normalised and hashed, with consent and terms on every upload; removes those who leave; replaces a changed email", async () => {
    // Google removes the user an identifier matches: the old email's removal must not drop the person its new one adds.
    const t = await setup({ sandbox: { removes: "matchedUser" } });
    await t.setContact("c_00001", { email: "  Jane.Doe+Promo@GMAIL.com ", phone: "06 12 34 56 78", country: "FR" });
    const first = await t.run();
    expect(first).toMatchObject({ status: "succeeded", created: 30, failed: 0 });
    const people = await t.people();
    for (const c of people) expect(t.members().has(t.emailKey(c.email!))).toBe(true);
    expect(t.members().has(`email:${sha256("janedoe@gmail.com")}`)).toBe(true);
    expect(t.members().has(`phone:${sha256("+33612345678")}`)).toBe(true);
    const uploads = t.sandbox.log.filter((l) => l.path === "/v1/audienceMembers:ingest");
    expect(uploads.map((u) => u.status)).toEqual([200]);
    expect(uploads[0]!.body).toMatchObject({
      encoding: "HEX",
      consent: { adUserData: "CONSENT_GRANTED", adPersonalization: "CONSENT_GRANTED" },
      termsOfService: { customerMatchTermsOfServiceStatus: "ACCEPTED" },
      destinations: [{ operatingAccount: { accountType: "GOOGLE_ADS", accountId: "1234567890" }, productDestinationId: LIST }],
    });
    expect(JSON.stringify(uploads[0]!.body)).not.toContain("gmail.com");
    const stored = await db.query.syncRecords.findFirst({ where: and(eq(syncRecords.syncId, t.sync.id), eq(syncRecords.recordKey, "c_00001")) });
    expect(stored!.identifiers).toEqual({ emailAddress: sha256("janedoe@gmail.com"), phoneNumber: sha256("+33612345678") });

    const leaver = people[1]!;
    const mover = people[2]!;
    await t.setContact(mover.id, { phone: "+33 6 98 76 54 32" });
    expect(await t.run()).toMatchObject({ status: "succeeded", updated: 1 });
    await t.setContact(leaver.id, { country: "JP" });
    await t.setContact(mover.id, { email: "moved@example.com" });
    const before = t.sandbox.log.length;
    const second = await t.run();
    expect(second).toMatchObject({ status: "succeeded", deleted: 1, updated: 1 });
    expect(t.since(before)).toEqual(["POST /v1/audienceMembers:remove 200", "POST /v1/audienceMembers:ingest 200"]);
    expect(t.members().has(t.emailKey(leaver.email!))).toBe(false);
    expect(t.members().has(t.emailKey(mover.email!))).toBe(false);
    expect(t.members().has(t.emailKey("moved@example.com"))).toBe(true);
    expect(t.members().has(`phone:${sha256("+33698765432")}`)).toBe(true);
    expect(t.sandbox.log.filter((l) => l.path === "/token")).toHaveLength(1);
  });

  it("replaces: ingests everything, waits durably while Google processes it, then removes all members added before the run (on Google's clock)", async () => {
    // Google's clock 2 minutes behind ours: a removeAsOfTime taken from our clock would be "in the future".
    const t = await setup({ sandbox: { clockOffsetMs: -120_000 } });
    await t.run();
    const people = await t.people();
    await t.setContact(people[0]!.id, { country: "JP" });
    t.sandbox.lists.get(LIST)!.members.set(`email:${sha256("stray@example.com")}`, { lastAdded: Date.now() - 180_000, consent: {} });
    // Google's clock moves on a little before the replace (Date headers are to the second).
    t.sandbox.configure({ clockOffsetMs: -118_000 });
    const before = t.sandbox.log.length;
    const replaced = await t.run("replace");
    expect(replaced).toMatchObject({ status: "succeeded", failed: 0 });
    const calls = t.sandbox.log.slice(before);
    expect(calls.map((l) => `${l.method} ${l.path} ${l.status}`)).toEqual([
      `GET /v1/accountTypes/GOOGLE_ADS/accounts/1234567890/userLists/${LIST} 200`,
      // The contact who left the segment is removed by name too, should removeAll not happen.
      "POST /v1/audienceMembers:remove 200",
      "POST /v1/audienceMembers:ingest 200",
      "GET /v1/requestStatus:retrieve 200",
      "GET /v1/requestStatus:retrieve 200",
      "GET /v1/requestStatus:retrieve 200",
      "POST /v1/audienceMembers:removeAll 200",
    ]);
    const statuses = calls.filter((l) => l.path === "/v1/requestStatus:retrieve").map((l) => (l.response as { requestStatusPerDestination: { requestStatus: string }[] }).requestStatusPerDestination[0]!.requestStatus);
    expect(statuses).toEqual(["PROCESSING", "PROCESSING", "SUCCESS"]);
    const removeAll = calls.at(-1)!.body as { removeAsOfTime: string };
    expect(Date.parse(removeAll.removeAsOfTime)).toBeLessThanOrEqual(Date.parse(new Date(calls[2]!.at - 118_000).toUTCString()) + 1_000);
    const steps = await db.query.syncRunSteps.findMany({ where: eq(syncRunSteps.runId, replaced.id), orderBy: asc(syncRunSteps.startedAt) });
    expect(steps.map((s) => s.name).filter((n) => n.startsWith("Commit"))).toEqual(["Commit", "Commit: Google is processing 1 of 1 uploads (check 2)", "Commit: Google is processing 1 of 1 uploads (check 3)"]);
    const expected = people.slice(1).map((c) => t.emailKey(c.email!));
    const emails = [...t.members()].filter((k) => k.startsWith("email:"));
    expect(emails.sort()).toEqual(expected.sort());
  });

  it("rejects a record Google would refuse on its own, with a clear message, and sends the rest; a refusal only Google knows is isolated too", async () => {
    const t = await setup({ contacts: 12 });
    await t.setContact("c_00002", { email: "not-an-email" });
    const first = await t.run();
    expect(first).toMatchObject({ status: "partial", created: 11, failed: 1 });
    expect(await t.logOf(first.id, "c_00002")).toMatchObject([{ status: "failed", errorKind: "rejected", message: 'email "not-an-email" is not an email address: nothing was sent for this record' }]);
    expect(t.sandbox.log.filter((l) => l.status === 400)).toEqual([]);
    expect(t.members().size).toBeGreaterThan(11);

    const [third, fourth] = (await t.people()).slice(2, 4);
    await t.setContact(third!.id, { firstName: "Changed" });
    await t.setContact(fourth!.id, { firstName: "Changed too" });
    const blocked = `email:${sha256((normalizeEmail(third!.email!) as { value: string }).value)}`;
    t.sandbox.configure({
      refuse: (member) => {
        const ids = (member.userData as { userIdentifiers: { emailAddress?: string }[] }).userIdentifiers;
        return ids.some((i) => `email:${i.emailAddress}` === blocked) ? { field: "user_data.user_identifiers[0].email_address", description: "The email address is not allowed.", reason: "INVALID_ARGUMENT" } : undefined;
      },
    });
    const before = t.sandbox.log.length;
    const second = await t.run();
    expect(second).toMatchObject({ status: "partial", failed: 2 });
    expect(t.since(before)).toEqual(["POST /v1/audienceMembers:ingest 400", "POST /v1/audienceMembers:ingest 200"]);
    const [log] = await t.logOf(second.id, third!.id);
    expect(log).toMatchObject({ errorKind: "rejected", responseStatus: 400, message: expect.stringMatching(/^Google refused this member \(INVALID_ARGUMENT: The email address is not allowed\. \(audience_members\[\d\]\.user_data/) });
    // c_00002 is still refused before sending; Google's refusal names one of the two others, and the request goes again with the other.
    expect(t.sandbox.log.slice(before).map((l) => (l.body as { audienceMembers: unknown[] }).audienceMembers.length)).toEqual([2, 1]);
    expect(t.members().has(t.emailKey(fourth!.email!))).toBe(true);
  });

  it("matches on addresses: names hashed, region and postal code in clear and normalised; a bad ZIP is rejected before sending, never by Google", async () => {
    const addressMapping: MappingEntry[] = [
      { from: { field: "first_name" }, to: "first_name", transforms: [] },
      { from: { field: "last_name" }, to: "last_name", transforms: [] },
      { from: { field: "country" }, to: "region_code", transforms: [] },
      { from: { field: "postal_code" }, to: "postal_code", transforms: [] },
    ];
    const t = await setup({ contacts: 12, mapping: addressMapping, postalCodes: true });
    const postal: Record<string, string> = { FR: "75001", DE: "10115", GB: "sw1a  1aa", ES: "28013", US: "94103", IT: "00184", NL: "1012 js" };
    for (const c of await t.people()) await t.setContact(c.id, { traits: { postal_code: postal[c.country!] } });
    await t.setContact("c_00001", { firstName: "Mrs. Jane", lastName: "Doe Jr.", country: "US", traits: { postal_code: " 94303 5300 " } });
    await t.setContact("c_00002", { country: "US", traits: { postal_code: "9430" } });
    await t.setContact("c_00003", { firstName: "Ann", lastName: "O'Neil", country: "GB", traits: { postal_code: "wc2h 8lg" } });

    const first = await t.run();
    expect(first).toMatchObject({ status: "partial", created: 11, failed: 1 });
    expect(await t.logOf(first.id, "c_00002")).toMatchObject([{ errorKind: "rejected", message: 'postal_code "9430" is not a US ZIP code (5 digits, or ZIP+4): nothing was sent for this record' }]);
    expect(t.sandbox.log.filter((l) => l.status === 400)).toEqual([]);
    const body = t.sandbox.log.find((l) => l.path === "/v1/audienceMembers:ingest")!.body as { audienceMembers: { userData: { userIdentifiers: { address?: Record<string, string> }[] } }[] };
    expect(body.audienceMembers).toHaveLength(11);
    expect(body.audienceMembers.every((m) => m.userData.userIdentifiers.length === 1 && m.userData.userIdentifiers[0]!.address)).toBe(true);
    expect(body.audienceMembers[0]!.userData.userIdentifiers[0]!.address).toEqual({ givenName: sha256("jane"), familyName: sha256("doe"), regionCode: "US", postalCode: "94303-5300" });
    expect(t.members().has(`address:${sha256("ann")}:${sha256("oneil")}:GB:WC2H 8LG`)).toBe(true);

    // A move: the old address is removed (before the new one is added), as it was sent.
    await t.setContact("c_00001", { traits: { postal_code: "10001" } });
    const before = t.sandbox.log.length;
    expect(await t.run()).toMatchObject({ updated: 1 });
    expect(t.since(before)).toEqual(["POST /v1/audienceMembers:remove 200", "POST /v1/audienceMembers:ingest 200"]);
    expect(t.members().has(`address:${sha256("jane")}:${sha256("doe")}:US:94303-5300`)).toBe(false);
    expect(t.members().has(`address:${sha256("jane")}:${sha256("doe")}:US:10001`)).toBe(true);
  });

  it("waits out Google's per-minute rate limit and a 503, and stops the run when the daily quota is spent", async () => {
    const t = await setup({ contacts: 5 });
    t.sandbox.inject({ status: 429, quota: "minute", retryDelaySeconds: 20 }, { status: 503 });
    expect(await t.run()).toMatchObject({ status: "succeeded", created: 5 });
    const ingests = t.sandbox.log.filter((l) => l.path === "/v1/audienceMembers:ingest");
    expect(ingests.map((l) => l.status)).toEqual([429, 503, 200]);
    expect(ingests[1]!.at - ingests[0]!.at).toBeGreaterThanOrEqual(195); // RetryInfo's 20 s, time-scaled (the client's own first wait is 3 s)

    await t.setContact("c_00001", { firstName: "Later" });
    t.sandbox.inject({ status: 429, quota: "day" });
    const spent = await t.run();
    expect(spent).toMatchObject({ status: "failed", error: expect.stringMatching(/^Google's daily quota IngestRequestsPerDayPerProject is spent for this Cloud project: the next run sends the rest/) });
    expect(await t.run()).toMatchObject({ status: "succeeded", updated: 1 });
  });

  it("gets a new token when Google stops accepting the old one, and fails at once when Google refuses the service account key", async () => {
    const t = await setup({ contacts: 4 });
    await t.run();
    t.sandbox.revokeTokens();
    await t.setContact("c_00001", { firstName: "Again" });
    let before = t.sandbox.log.length;
    expect(await t.run()).toMatchObject({ status: "succeeded", updated: 1 });
    expect(t.since(before)).toEqual(["POST /v1/audienceMembers:ingest 401", "POST /token 200", "POST /v1/audienceMembers:ingest 200"]);

    await updateConnection(db, { workspaceId: t.workspaceId, connectionId: t.connection.id, secrets: { serviceAccountKey: serviceAccountKeyPair(account.email).json } });
    await t.setContact("c_00002", { firstName: "Refused" });
    before = t.sandbox.log.length;
    const refused = await t.run();
    expect(refused).toMatchObject({ status: "failed", error: `Google refused the service account key ${account.email} (invalid_grant: Invalid JWT Signature.): check the key, or create a new one` });
    expect(t.since(before)).toEqual(["POST /token 400"]);
  });

  it("sends each member's own consent when the mapping gives it; never sends one who denied ad user data, and removes one who withdraws it", async () => {
    const t = await setup({ contacts: 20, mapping: [...identifiersMapping, { from: { field: "email_consent" }, to: "ad_user_data", transforms: [] }] });
    const rows = await db.execute<{ id: string; email: string; status: string | null }>(
      sql`SELECT c.id, c.email, (SELECT status FROM consents s WHERE s.contact_id = c.id AND s.workspace_id = c.workspace_id AND s.channel = 'email' ORDER BY s.updated_at DESC, s.id DESC LIMIT 1) AS status
        FROM contacts c WHERE c.workspace_id = ${t.workspaceId} ORDER BY c.id`,
    );
    const consentOf = (status: string | null) => (status === "granted" ? "CONSENT_GRANTED" : status ? "CONSENT_DENIED" : undefined);
    const sendable = rows.rows.filter((r) => consentOf(r.status) !== "CONSENT_DENIED");
    const denied = rows.rows.filter((r) => consentOf(r.status) === "CONSENT_DENIED");
    expect(denied.length).toBeGreaterThan(0);
    const first = await t.run();
    expect(first).toMatchObject({ status: "partial", created: sendable.length, failed: denied.length });
    const body = t.sandbox.log.find((l) => l.path === "/v1/audienceMembers:ingest")!.body as { audienceMembers: { consent?: unknown }[]; consent: unknown };
    expect(body.consent).toEqual({ adUserData: "CONSENT_GRANTED", adPersonalization: "CONSENT_GRANTED" });
    expect(body.audienceMembers.map((m) => (m.consent as { adUserData?: string } | undefined)?.adUserData)).toEqual(sendable.map((r) => consentOf(r.status)));
    for (const r of denied) {
      expect(t.members().has(t.emailKey(r.email))).toBe(false);
      expect(await t.logOf(first.id, r.id)).toMatchObject([{ status: "failed", errorKind: "rejected", message: "consent for ad user data denied: not sent" }]);
    }
    expect(JSON.stringify(t.sandbox.log.map((l) => l.body))).not.toContain(sha256((normalizeEmail(denied[0]!.email) as { value: string }).value));

    // One who had granted it withdraws it: nothing of theirs is sent again, and what was sent is removed with the identifiers last sent.
    const leaving = sendable.find((r) => r.status === "granted")!;
    const stored = await db.query.syncRecords.findFirst({ where: and(eq(syncRecords.syncId, t.sync.id), eq(syncRecords.recordKey, leaving.id)) });
    await db.execute(sql`INSERT INTO consents (workspace_id, id, contact_id, channel, status, updated_at) VALUES (${t.workspaceId}, ${`${leaving.id}:email:withdrawn`}, ${leaving.id}, 'email', 'withdrawn', now() + interval '1 second')`);
    const before = t.sandbox.log.length;
    const second = await t.run();
    expect(second).toMatchObject({ status: "partial", created: 0, updated: 0 });
    const calls = t.sandbox.log.slice(before);
    expect(calls.map((l) => l.path)).toEqual(["/v1/audienceMembers:remove"]);
    const ids = stored!.identifiers as { emailAddress: string; phoneNumber?: string };
    expect(calls[0]!.body!.audienceMembers).toEqual([{ userData: { userIdentifiers: [{ emailAddress: ids.emailAddress }, ...(ids.phoneNumber ? [{ phoneNumber: ids.phoneNumber }] : [])] } }]);
    expect(t.members().has(t.emailKey(leaving.email))).toBe(false);
    expect(await t.logOf(second.id, leaving.id)).toMatchObject([{ status: "failed", errorKind: "rejected", message: "consent for ad user data denied: not sent; what was sent of this member before was removed from the audience" }]);
  });

  it("with email consent required, sends only contacts who granted it, as granted, and removes one who withdraws it", async () => {
    const t = await setup({ contacts: 30, defaultConsent: "DENIED", consent: { channel: "email" } });
    const granted = await db.execute<{ id: string; email: string }>(
      sql`SELECT c.id, c.email FROM contacts c WHERE c.workspace_id = ${t.workspaceId} AND c.country IN ${COUNTRIES}
            AND (SELECT status FROM consents s WHERE s.contact_id = c.id AND s.workspace_id = c.workspace_id AND s.channel = 'email' ORDER BY s.updated_at DESC, s.id DESC LIMIT 1) = 'granted'
          ORDER BY c.id`,
    );
    const first = await t.run();
    expect(first).toMatchObject({ status: "succeeded", created: granted.rows.length, heldBack: 30 - granted.rows.length });
    expect(first.notice).toContain("held back: no email consent granted");
    const body = t.sandbox.log.find((l) => l.path === "/v1/audienceMembers:ingest")!.body as { consent: unknown; audienceMembers: unknown[] };
    expect(body.consent).toEqual({ adUserData: "CONSENT_GRANTED", adPersonalization: "CONSENT_GRANTED" });
    expect(body.audienceMembers).toHaveLength(granted.rows.length);

    const [leaving] = granted.rows;
    await db.execute(sql`INSERT INTO consents (workspace_id, id, contact_id, channel, status, updated_at) VALUES (${t.workspaceId}, ${`${leaving!.id}:email:withdrawn`}, ${leaving!.id}, 'email', 'withdrawn', now() + interval '1 second')`);
    expect(t.members().has(t.emailKey(leaving!.email))).toBe(true);
    expect(await t.run()).toMatchObject({ status: "succeeded", deleted: 1, created: 0 });
    expect(t.members().has(t.emailKey(leaving!.email))).toBe(false);
  });

  it("keeps what an unanswered upload sent, so a contact who withdraws consent before it goes through is still removed", async () => {
    const t = await setup({ contacts: 12, consent: { channel: "email" } });
    // Google does not answer the first run's upload, through every retry.
    t.sandbox.inject({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    expect(await t.run()).toMatchObject({ status: "failed" });
    const [sentOnce] = await db.query.syncRecords.findMany({ where: and(eq(syncRecords.syncId, t.sync.id), eq(syncRecords.status, "failed")), orderBy: asc(syncRecords.recordKey) });
    expect(sentOnce!.identifiers).toBeTruthy();

    await db.execute(sql`INSERT INTO consents (workspace_id, id, contact_id, channel, status, updated_at) VALUES (${t.workspaceId}, ${`${sentOnce!.recordKey}:email:withdrawn`}, ${sentOnce!.recordKey}, 'email', 'withdrawn', now() + interval '1 second')`);
    const before = t.sandbox.log.length;
    expect(await t.run()).toMatchObject({ status: "succeeded", deleted: 1 });
    const removal = t.sandbox.log.slice(before).find((l) => l.path === "/v1/audienceMembers:remove");
    expect(JSON.stringify(removal?.body)).toContain(Object.values(sentOnce!.identifiers as Record<string, string[]>).flat()[0]);
  });
});
