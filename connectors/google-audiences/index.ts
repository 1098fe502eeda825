import "server-only";
import { type Connector, DestinationConfigError, type DestinationField, type DestinationObject } from "../types";
import { type DataManager, dataManager, describeError, googleError } from "./client";
import { type GoogleAudiencesSecrets, type GoogleAudiencesSettings, googleAudiencesSecretsSchema, googleAudiencesSettingsSchema } from "./config";
import { DENIED_NOT_SENT, effectiveConsent, mayBeSent } from "./consent";
import { accountPath, beginDelivery, commitDelivery, type GoogleState, writeMembers } from "./delivery";
import { googleAudiencesManifest } from "./manifest";
import { draftMember } from "./normalize";

type UserList = { id?: string; displayName?: string; readOnly?: boolean; ingestedUserListInfo?: { uploadKeyTypes?: string[] } };

/** The identifiers Google matches on (Data Manager UserIdentifier), the consent of each member, and Relay's own key. */
const fields: DestinationField[] = [
  { name: "member_id", type: "string", required: true, nullable: false, key: "primary", description: "Your id for this person (such as the contact id): Relay remembers what it sent under it. Never sent to Google" },
  { name: "email", type: "string", required: false, nullable: true, description: "Lower-cased, spaces removed, Gmail dots and +tags dropped, then SHA-256 hashed" },
  { name: "phone", type: "string", required: false, nullable: true, description: "Made E.164 (+ and country code; national numbers take region_code or the default phone country), then SHA-256 hashed" },
  { name: "first_name", type: "string", required: false, nullable: true, description: "Address match: lower-cased, no punctuation or prefix (Mrs.), then SHA-256 hashed" },
  { name: "last_name", type: "string", required: false, nullable: true, description: "Address match: lower-cased, no punctuation or suffix (Jr.), then SHA-256 hashed" },
  { name: "region_code", type: "string", required: false, nullable: true, description: "Address match: ISO 3166-1 alpha-2 country (FR, US), sent in clear; also the country of national phone numbers" },
  { name: "postal_code", type: "string", required: false, nullable: true, description: "Address match: postal code (US: 5 digits or ZIP+4), sent in clear" },
  { name: "ad_user_data", type: "string", required: false, nullable: true, description: "This member's consent to ad user data: true/false, GRANTED/DENIED or granted/denied; empty = the connection's default" },
  { name: "ad_personalization", type: "string", required: false, nullable: true, description: "This member's consent to ad personalisation: as ad_user_data" },
];

async function getUserList(api: DataManager, s: GoogleAudiencesSettings, id: string): Promise<UserList> {
  const answer = await api.call("GET", `${accountPath(s)}/userLists/${id}`);
  if (answer.status === 404) throw new DestinationConfigError(`Google has no user list ${id} in ${s.operatingAccountType} account ${s.operatingAccountId}`);
  if (answer.status !== 200) throw new Error(`Reading user list ${id} failed: ${describeError(googleError(answer))}`);
  return answer.json as UserList;
}

/** The account's Customer Match lists (contact info uploads) that can be written to. */
async function customerMatchLists(api: DataManager, s: GoogleAudiencesSettings): Promise<DestinationObject[]> {
  const out: DestinationObject[] = [];
  let pageToken = "";
  do {
    const answer = await api.call("GET", `${accountPath(s)}/userLists?pageSize=1000${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ""}`);
    if (answer.status !== 200) throw new Error(`Listing the account's user lists failed: ${describeError(googleError(answer))}`);
    const page = answer.json as { userLists?: UserList[]; nextPageToken?: string };
    for (const list of page.userLists ?? [])
      if (list.id && !list.readOnly && list.ingestedUserListInfo?.uploadKeyTypes?.includes("CONTACT_ID"))
        out.push({ name: list.id, label: list.displayName ?? list.id, description: `Customer Match list ${list.id}` });
    pageToken = page.nextPageToken ?? "";
  } while (pageToken);
  return out;
}

export const googleAudiences: Connector<GoogleAudiencesSettings, GoogleAudiencesSecrets, GoogleState> = {
  manifest: googleAudiencesManifest,
  settingsSchema: googleAudiencesSettingsSchema,
  secretsSchema: googleAudiencesSecretsSchema,

  async test(ctx) {
    const s = ctx.connection.settings;
    try {
      const api = dataManager(ctx);
      if (s.userListId) {
        const list = await getUserList(api, s, s.userListId);
        return { ok: true, message: `Signed in as ${api.email}; user list ${s.userListId} "${list.displayName ?? ""}" of account ${s.operatingAccountId} is reachable` };
      }
      const lists = await customerMatchLists(api, s);
      return { ok: true, message: `Signed in as ${api.email}; account ${s.operatingAccountId} has ${lists.length} Customer Match lists to write to` };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
  },

  async listObjects(ctx) {
    const s = ctx.connection.settings;
    const api = dataManager(ctx);
    if (!s.userListId) return customerMatchLists(api, s);
    const list = await getUserList(api, s, s.userListId);
    return [{ name: s.userListId, label: list.displayName ?? s.userListId, description: `Customer Match list ${s.userListId}` }];
  },

  async listFields() {
    return fields;
  },

  sharing({ connection }, sync) {
    const claim = { reason: "a replace removes every member added before it began (removeAll), the members other syncs add too", remedy: "run it incrementally" };
    return { place: `${accountPath(connection.settings)}/userLists/${sync.object}`, claim: sync.mode === "replace" ? claim : undefined };
  },

  /** The consent shown is the one a run sends (the same functions build both); a member who denied ad user data is shown as not sent. */
  preview({ connection }, _object, payload, sync = {}) {
    const s = connection.settings;
    const draft = draftMember(payload, { encoding: s.encoding, phoneCountry: s.defaultPhoneCountry?.toUpperCase(), key: "member_id" });
    const consent = effectiveConsent(s, sync, draft.consent);
    const sent = mayBeSent(consent);
    const effective = `adUserData ${consent.adUserData}, adPersonalization ${consent.adPersonalization}`;
    const unplaced = draft.problems.filter((p) => !draft.preview.some((f) => f.note === p));
    return {
      fields: [
        ...draft.preview.map((f) => (sent ? f : { ...f, sent: null })),
        { name: "consent", value: null, normalised: effective, sent: sent ? effective : null, note: sent ? "The consent Google receives for this member" : DENIED_NOT_SENT },
        ...unplaced.map((note) => ({ name: "member", value: null, normalised: null, sent: null, note })),
      ],
    };
  },

  delivery: {
    begin: beginDelivery,
    write: writeMembers,
    commit: commitDelivery,
    async abort() {
      // Google keeps no upload session: what was ingested stays, and the next run carries on from the diff state.
    },
  },
};
