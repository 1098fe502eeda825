/** Settings and secrets of a Google Ads audiences connection (Data Manager API, service account). Client-safe. */
import { z } from "zod";
import { apiBaseUrl } from "../shared/api";

export const DATA_MANAGER_URL = "https://datamanager.googleapis.com";
export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";

/** Google's `accountType` values; a manager account is GOOGLE_ADS too. */
export const accountTypes = ["GOOGLE_ADS", "DISPLAY_VIDEO_PARTNER", "DISPLAY_VIDEO_ADVERTISER", "DATA_PARTNER", "GOOGLE_ANALYTICS_PROPERTY", "GOOGLE_AD_MANAGER_AUDIENCE_LINK", "FLOODLIGHT_CONFIG"] as const;

const accountId = z
  .string()
  .trim()
  .regex(/^(\d{3}-\d{3}-\d{4}|\d{1,20})$/, "Enter the account's number, such as 123-456-7890");
const consentChoice = z.enum(["GRANTED", "DENIED"], "Say what your users consented to: GRANTED or DENIED");

export const googleAudiencesSettingsSchema = z.strictObject({
  operatingAccountType: z.enum(accountTypes).default("GOOGLE_ADS").meta({ description: "The kind of account whose audience receives the members" }),
  operatingAccountId: accountId.meta({ description: "The account that owns the audience (Google Ads customer ID, dashes allowed)" }),
  loginAccountType: z.enum(accountTypes).default("GOOGLE_ADS"),
  loginAccountId: accountId.optional().meta({ description: "A manager account the service account signs in through, when it has no direct access to the operating account" }),
  userListId: z
    .string()
    .trim()
    .regex(/^\d+$/, "A user list ID is a number")
    .optional()
    .meta({ description: "One Customer Match list to write to. Leave empty to pick among the account's lists in each sync" }),
  encoding: z.enum(["HEX", "BASE64"]).default("HEX").meta({ description: "How the SHA-256 digests are written on the wire" }),
  defaultAdUserData: consentChoice.meta({
    description: "Consent to send with every upload (adUserData), unless the sync maps ad_user_data for the member",
  }),
  defaultAdPersonalization: consentChoice.meta({
    description: "Consent to send with every upload (adPersonalization), unless the sync maps ad_personalization for the member",
  }),
  customerMatchTermsAccepted: z.literal(true, "Accept Google's Customer Match terms of service: uploads are refused without them").meta({
    description: "I accept Google's Customer Match terms (support.google.com/adspolicy/answer/6299717); sent as termsOfService with every upload",
  }),
  defaultPhoneCountry: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, "A two-letter country code, such as FR")
    .optional()
    .meta({ description: "Country of phone numbers written without +country code, when the sync maps no region_code" }),
  apiBaseUrl: apiBaseUrl(DATA_MANAGER_URL),
  tokenUrl: z
    .url({ protocol: /^https?$/, error: "Enter the token URL, starting with https://" })
    .optional()
    .meta({ advanced: true, description: "Only for a proxy or a test server. Default: the key's token_uri, else https://oauth2.googleapis.com/token" }),
});

export type ServiceAccountKey = { client_email: string; private_key: string; private_key_id?: string; token_uri?: string };

/** The JSON key file of a service account, as Google's console downloads it. */
export function parseServiceAccountKey(text: string): { ok: true; key: ServiceAccountKey } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: "Paste the service account's JSON key file as it is (it is not valid JSON)" };
  }
  const k = (json ?? {}) as Record<string, unknown>;
  if (k.type !== "service_account") return { ok: false, error: 'This is not a service account key: its "type" must be "service_account"' };
  if (typeof k.client_email !== "string" || !k.client_email.includes("@")) return { ok: false, error: 'The key has no "client_email"' };
  if (typeof k.private_key !== "string" || !k.private_key.includes("PRIVATE KEY")) return { ok: false, error: 'The key has no PEM "private_key"' };
  return {
    ok: true,
    key: {
      client_email: k.client_email,
      private_key: k.private_key,
      private_key_id: typeof k.private_key_id === "string" ? k.private_key_id : undefined,
      token_uri: typeof k.token_uri === "string" ? k.token_uri : undefined,
    },
  };
}

export const googleAudiencesSecretsSchema = z.strictObject({
  serviceAccountKey: z
    .string("Paste the service account's JSON key")
    .min(1, "Paste the service account's JSON key")
    .max(20_000)
    .superRefine((text, ctx) => {
      const parsed = parseServiceAccountKey(text);
      if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.error });
    })
    .meta({ description: "The service account's JSON key file, pasted whole", multiline: true }),
});

export type GoogleAudiencesSettings = z.output<typeof googleAudiencesSettingsSchema>;
export type GoogleAudiencesSecrets = z.output<typeof googleAudiencesSecretsSchema>;

export const digitsOf = (id: string) => id.replace(/-/g, "");
