/** Syncing the demo contacts to a Customer Match list through the real engine, against the Data Manager sandbox: rate limits, tokens and consent. */
import { and, asc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { updateConnection } from "@/lib/connections/save";
import { syncRecords } from "@/lib/db/schema";
import { normalizeEmail } from "./normalize";
import { COUNTRIES, googleAudiencesTestbed, identifiersMapping } from "./sync-testbed";
import { serviceAccountKeyPair, sha256 } from "./testing";

const { db, account, setup } = googleAudiencesTestbed();

describe("syncing contacts to a Google Ads audience: limits, tokens and consent", () => {
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
