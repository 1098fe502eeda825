/** Syncing the demo contacts to a Customer Match list through the real engine, against the Data Manager sandbox: adds, removals, replace, refusals, addresses. */
import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { syncRecords, syncRunSteps } from "@/lib/db/schema";
import type { MappingEntry } from "@/lib/mapping/schema";
import { normalizeEmail } from "./normalize";
import { googleAudiencesTestbed, LIST } from "./sync-testbed";
import { sha256 } from "./testing";

const { db, runtime, setup } = googleAudiencesTestbed();

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
    // Google's time is read from the list's answers until its next second has begun (a Date counts whole seconds).
    const reads = calls.findIndex((l) => l.path !== `/v1/accountTypes/GOOGLE_ADS/accounts/1234567890/userLists/${LIST}`);
    expect(reads).toBeGreaterThanOrEqual(2);
    expect(new Set(calls.slice(0, reads).map((l) => l.status))).toEqual(new Set([200]));
    expect(calls.slice(reads).map((l) => `${l.method} ${l.path} ${l.status}`)).toEqual([
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
    expect(Date.parse(removeAll.removeAsOfTime)).toBeLessThanOrEqual(Date.parse(new Date(calls[reads + 1]!.at - 118_000).toUTCString()) + 1_000);
    const steps = await db.query.syncRunSteps.findMany({ where: eq(syncRunSteps.runId, replaced.id), orderBy: asc(syncRunSteps.startedAt) });
    expect(steps.map((s) => s.name).filter((n) => n.startsWith("Commit"))).toEqual(["Commit", "Commit: Google is processing 1 of 1 uploads (check 2)", "Commit: Google is processing 1 of 1 uploads (check 3)"]);
    const expected = people.slice(1).map((c) => t.emailKey(c.email!));
    const emails = [...t.members()].filter((k) => k.startsWith("email:"));
    expect(emails.sort()).toEqual(expected.sort());
  });

  it("rejects a record Google would refuse on its own, with a clear message, and sends the rest; a refusal only Google knows is isolated too", async () => {
    const t = await setup({ contacts: 12 });
    await t.setContact("c_00002", { email: "not-an-email", phone: null });
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

  it("sends a member with the identifiers that are valid and records the one left out as a warning, not a failure: the next run has nothing to send", async () => {
    const t = await setup({ contacts: 8 });
    await t.setContact("c_00003", { phone: "0110144415", country: "US" });
    const email = (await t.people())[2]!.email!;
    const first = await t.run();
    expect(first).toMatchObject({ status: "succeeded", created: 8, failed: 0 });
    const warning = 'phone "0110144415" is not a phone number (E.164 has 7 to 15 digits after the +): sent without it';
    expect(await runtime.itemOf(first.id, "c_00003")).toMatchObject({ status: "done", resultOp: "create", warning });
    const body = t.sandbox.log.find((l) => l.path === "/v1/audienceMembers:ingest")!.body as { audienceMembers: { userData: { userIdentifiers: Record<string, string>[] } }[] };
    const hash = t.emailKey(email).slice("email:".length);
    expect(body.audienceMembers.find((m) => m.userData.userIdentifiers.some((i) => i.emailAddress === hash))!.userData.userIdentifiers).toEqual([{ emailAddress: hash }]);
    expect(t.members().has(t.emailKey(email))).toBe(true);
    const stored = await db.query.syncRecords.findFirst({ where: and(eq(syncRecords.syncId, t.sync.id), eq(syncRecords.recordKey, "c_00003")) });
    expect(stored!.identifiers).toEqual({ emailAddress: hash });
    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 0 });
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
});
