/**
 * The sandbox's fast-fail validation of Data Manager requests, from the fact sheet: one bad record refuses
 * the whole request, each problem a BadRequest field violation with a snake_case path such as
 * `audience_members[3].user_data.user_identifiers[0]` (the exact paths are a sandbox choice).
 */
import { callingCodes } from "../shared/calling-codes";

export type Violation = { field: string; description: string; reason?: string };
type Json = Record<string, unknown>;

export const ACCOUNT_TYPES = ["GOOGLE_ADS", "DISPLAY_VIDEO_PARTNER", "DISPLAY_VIDEO_ADVERTISER", "DATA_PARTNER", "GOOGLE_ANALYTICS_PROPERTY", "GOOGLE_AD_MANAGER_AUDIENCE_LINK", "FLOODLIGHT_CONFIG"];
const CONSENT = ["CONSENT_STATUS_UNSPECIFIED", "CONSENT_GRANTED", "CONSENT_DENIED"];
const DATA_TYPES = ["userData", "mobileData", "pairData", "userIdData", "ppidData", "partnerProvidedIdData", "googleUserIdData", "compositeData"];

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** Proto3 JSON takes each field in camelCase or snake_case. */
export const field = (o: unknown, camel: string): unknown => (o && typeof o === "object" ? ((o as Json)[camel] ?? (o as Json)[snake(camel)]) : undefined);

/** A digest in the request's encoding, as 32 bytes of hex, or a reason it is not one. */
export function digestHex(value: unknown, encoding: string): { hex: string } | { reason: string; description: string } {
  const text = typeof value === "string" ? value : "";
  if (encoding === "HEX") {
    if (!/^[0-9a-fA-F]*$/.test(text) || text.length % 2) return { reason: "INVALID_HEX_ENCODING", description: "The value is not hex encoded." };
    return text.length === 64 ? { hex: text.toLowerCase() } : { reason: "INVALID_SHA256_FORMAT", description: "The value is not a SHA-256 hash." };
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4) return { reason: "INVALID_BASE64_ENCODING", description: "The value is not base64 encoded." };
  const bytes = Buffer.from(text, "base64");
  return bytes.length === 32 ? { hex: bytes.toString("hex") } : { reason: "INVALID_SHA256_FORMAT", description: "The value is not a SHA-256 hash." };
}

/** The key a member's identifier is stored under (digests as hex, whatever the encoding). */
export function identifierKey(identifier: unknown, encoding: string): string | undefined {
  const hex = (v: unknown) => {
    const d = digestHex(v, encoding);
    return "hex" in d ? d.hex : undefined;
  };
  const email = field(identifier, "emailAddress");
  const phone = field(identifier, "phoneNumber");
  const address = field(identifier, "address");
  if (email !== undefined) return `email:${hex(email)}`;
  if (phone !== undefined) return `phone:${hex(phone)}`;
  if (address) return `address:${hex(field(address, "givenName"))}:${hex(field(address, "familyName"))}:${String(field(address, "regionCode"))}:${String(field(address, "postalCode"))}`;
  return undefined;
}

function checkAccount(value: unknown, at: string, out: Violation[]) {
  if (!value) return out.push({ field: at, description: "Required field is missing.", reason: "REQUIRED_FIELD_MISSING" });
  const type = field(value, "accountType") ?? field(value, "product");
  if (!ACCOUNT_TYPES.includes(String(type))) out.push({ field: `${at}.account_type`, description: "The account type is not valid.", reason: "INVALID_ACCOUNT_TYPE" });
  if (!/^\d+$/.test(String(field(value, "accountId") ?? ""))) out.push({ field: `${at}.account_id`, description: "String is not a valid number.", reason: "INVALID_NUMBER_FORMAT" });
}

export function checkDestinations(destinations: unknown, knownList: (account: string, list: string) => boolean, out: Violation[]) {
  if (!Array.isArray(destinations) || destinations.length === 0) return out.push({ field: "destinations", description: "Required field is missing.", reason: "REQUIRED_FIELD_MISSING" });
  if (destinations.length > 10) out.push({ field: "destinations", description: "Too many destinations: at most 10.", reason: "TOO_MANY_DESTINATIONS" });
  destinations.forEach((d, i) => {
    const before = out.length;
    checkAccount(field(d, "operatingAccount"), `destinations[${i}].operating_account`, out);
    if (field(d, "loginAccount") !== undefined) checkAccount(field(d, "loginAccount"), `destinations[${i}].login_account`, out);
    const list = String(field(d, "productDestinationId") ?? "");
    if (out.length === before && !knownList(String(field(field(d, "operatingAccount"), "accountId")), list))
      out.push({ field: `destinations[${i}].product_destination_id`, description: "The user list ID is not valid.", reason: "INVALID_USER_LIST_ID" });
  });
}

function checkConsent(consent: unknown, at: string, out: Violation[]) {
  for (const name of ["adUserData", "adPersonalization"]) {
    const value = field(consent, name);
    if (value !== undefined && !CONSENT.includes(String(value)))
      out.push({ field: `${at}.${snake(name)}`, description: `Invalid value at '${at}.${snake(name)}' (type.googleapis.com/google.ads.datamanager.v1.ConsentStatus), "${String(value)}"` });
  }
}

function checkIdentifier(identifier: unknown, encoding: string, at: string, out: Violation[]) {
  const present = ["emailAddress", "phoneNumber", "address"].filter((k) => field(identifier, k) !== undefined);
  if (present.length !== 1) return out.push({ field: at, description: "Exactly one of email_address, phone_number or address must be set.", reason: "INVALID_ARGUMENT" });
  const digest = (value: unknown, path: string) => {
    const d = digestHex(value, encoding);
    if ("reason" in d) out.push({ field: path, description: d.description, reason: d.reason });
  };
  if (present[0] !== "address") return digest(field(identifier, present[0]!), `${at}.${snake(present[0]!)}`);
  const address = field(identifier, "address");
  digest(field(address, "givenName"), `${at}.address.given_name`);
  digest(field(address, "familyName"), `${at}.address.family_name`);
  const region = String(field(address, "regionCode") ?? "");
  if (!callingCodes.has(region)) out.push({ field: `${at}.address.region_code`, description: "The country code is not valid.", reason: "INVALID_COUNTRY_CODE" });
  const postal = field(address, "postalCode");
  if (typeof postal !== "string" || !postal) out.push({ field: `${at}.address.postal_code`, description: "Required field is missing.", reason: "REQUIRED_FIELD_MISSING" });
  else if (/^[0-9a-f]{64}$/i.test(postal) || (region === "US" && !/^\d{5}(-\d{4})?$/.test(postal)))
    out.push({ field: `${at}.address.postal_code`, description: "The postal code is not valid.", reason: "INVALID_POSTAL_CODE" });
}

export type MemberRules = { ingest: boolean; requireConsent: boolean; requestConsent: unknown; refuse?: (member: Json, index: number) => Violation | undefined };

/** Every problem of the members of an ingest or remove request. */
export function checkMembers(body: Json, rules: MemberRules, out: Violation[]) {
  const members = field(body, "audienceMembers");
  if (!Array.isArray(members) || members.length === 0) return out.push({ field: "audience_members", description: "Required field is missing.", reason: "REQUIRED_FIELD_MISSING" });
  if (members.length > 10_000) return out.push({ field: "audience_members", description: "Too many audience members: at most 10000.", reason: "TOO_MANY_AUDIENCE_MEMBERS" });
  const encoding = String(field(body, "encoding") ?? "ENCODING_UNSPECIFIED");
  const types = new Set(members.flatMap((m) => DATA_TYPES.filter((t) => field(m, t) !== undefined)));
  if (types.size > 1) out.push({ field: "audience_members", description: "Different data types cannot be mixed in one request.", reason: "MULTIPLE_DATA_TYPES_NOT_ALLOWED" });
  if (types.has("userData") && !["HEX", "BASE64"].includes(encoding)) out.push({ field: "encoding", description: "Required field is missing.", reason: "REQUIRED_FIELD_MISSING" });
  members.forEach((member, i) => {
    const at = `audience_members[${i}]`;
    const userData = field(member, "userData");
    if (!DATA_TYPES.some((t) => field(member, t) !== undefined)) out.push({ field: at, description: "Required field is missing.", reason: "REQUIRED_FIELD_MISSING" });
    if (userData !== undefined) {
      const identifiers = field(userData, "userIdentifiers");
      if (!Array.isArray(identifiers) || identifiers.length === 0) out.push({ field: `${at}.user_data.user_identifiers`, description: "Required field is missing.", reason: "REQUIRED_FIELD_MISSING" });
      else if (identifiers.length > 10) out.push({ field: `${at}.user_data.user_identifiers`, description: "Too many user identifiers: at most 10.", reason: "TOO_MANY_USER_IDENTIFIERS" });
      else if (["HEX", "BASE64"].includes(encoding)) identifiers.forEach((id, j) => checkIdentifier(id, encoding, `${at}.user_data.user_identifiers[${j}]`, out));
    }
    if (rules.ingest) {
      checkConsent(field(member, "consent"), `${at}.consent`, out);
      for (const name of ["adUserData", "adPersonalization"])
        if (rules.requireConsent && field(field(member, "consent"), name) === undefined && field(rules.requestConsent, name) === undefined)
          out.push({ field: `${at}.consent.${snake(name)}`, description: "Consent is required for every audience member.", reason: "REQUIRED_FIELD_MISSING" });
    }
    const refused = rules.refuse?.(member as Json, i);
    if (refused) out.push({ ...refused, field: `${at}.${refused.field}` });
  });
}

export function checkIngestRequest(body: Json, rules: Omit<MemberRules, "requestConsent" | "ingest">, out: Violation[]) {
  checkConsent(field(body, "consent"), "consent", out);
  const terms = field(field(body, "termsOfService"), "customerMatchTermsOfServiceStatus");
  if (terms !== "ACCEPTED")
    out.push({ field: "terms_of_service.customer_match_terms_of_service_status", description: "The required terms and conditions are not accepted.", reason: "TERMS_AND_CONDITIONS_NOT_SIGNED" });
  checkMembers(body, { ...rules, ingest: true, requestConsent: field(body, "consent") }, out);
}
