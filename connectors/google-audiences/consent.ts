/**
 * The consent Google receives, for a run and for its preview alike (one code, so they cannot differ), and
 * the rule that a member whose consent to ad user data is denied is never sent. Pure, client-safe.
 */
import type { GoogleAudiencesSettings } from "./config";
import type { Consent } from "./normalize";

/** The sync's consent rule: set when the engine holds back every contact who has not granted it. */
export type SyncConsent = { consent?: { channel: string } };

export const DENIED_NOT_SENT = "consent for ad user data denied: not sent";

const statusOf = (value: "GRANTED" | "DENIED") => (value === "GRANTED" ? "CONSENT_GRANTED" : "CONSENT_DENIED");
export const defaultConsent = (s: GoogleAudiencesSettings): Consent => ({ adUserData: statusOf(s.defaultAdUserData), adPersonalization: statusOf(s.defaultAdPersonalization) });

/**
 * The request's consent: granted when the sync sends only contacts who granted the consent it requires
 * (the engine holds back the others), else the connection's defaults.
 */
export const requestConsent = (s: GoogleAudiencesSettings, sync: SyncConsent): Consent =>
  sync.consent ? { adUserData: "CONSENT_GRANTED", adPersonalization: "CONSENT_GRANTED" } : defaultConsent(s);

/** What Google applies to a member: its own consent where the mapping gave it, the request's otherwise. */
export const effectiveConsent = (s: GoogleAudiencesSettings, sync: SyncConsent, given: Partial<Consent>): Consent => ({ ...requestConsent(s, sync), ...given });

/** The member's own `consent` field: only when the mapping gave any (a member's consent replaces the request's, so it is completed from it). */
export const memberConsent = (s: GoogleAudiencesSettings, sync: SyncConsent, given: Partial<Consent>): Consent | undefined =>
  given.adUserData || given.adPersonalization ? effectiveConsent(s, sync, given) : undefined;

/** Hashed data of someone who denied ad user data must not leave the app. */
export const mayBeSent = (consent: Consent) => consent.adUserData !== "CONSENT_DENIED";
