/** Settings and secrets of a Zendesk Support connection (email + API token). Client-safe. */
import { z } from "zod";
import { apiBaseUrl } from "../shared/api";

/** The vendor's default root: `{subdomain}` is filled from the subdomain setting. */
export const ZENDESK_DEFAULT_BASE = "https://{subdomain}.zendesk.com";

export const zendeskSettingsSchema = z.strictObject({
  subdomain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "Enter your Zendesk subdomain: the “acme” of acme.zendesk.com")
    .meta({ description: "The “acme” of acme.zendesk.com" }),
  email: z.email("Enter the email address of the Zendesk agent or admin the API token belongs to").max(320),
  /** Zendesk emails every new user a verification link unless told not to; synced users are not expecting one. */
  sendVerifyEmail: z.boolean().default(false).meta({ description: "Send Zendesk's verification email to users the sync creates" }),
  apiBaseUrl: apiBaseUrl(ZENDESK_DEFAULT_BASE),
});

export const zendeskSecretsSchema = z.strictObject({
  apiToken: z
    .string()
    .trim()
    .min(1, "Enter an API token (Admin Center → Apps and integrations → Zendesk API)")
    .max(200)
    .meta({ description: "Admin Center → Apps and integrations → Zendesk API → Add API token" }),
});

export type ZendeskSettings = z.output<typeof zendeskSettingsSchema>;
export type ZendeskSecrets = z.output<typeof zendeskSecretsSchema>;

/** The account's API root: the advanced base URL when set, else https://{subdomain}.zendesk.com. */
export const baseUrlOf = (s: ZendeskSettings) => (s.apiBaseUrl ?? ZENDESK_DEFAULT_BASE).replace("{subdomain}", s.subdomain).replace(/\/+$/, "");
