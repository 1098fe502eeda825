/** Settings and secrets of a HubSpot connection: a private app's access token, and where the API is. Client-safe. */
import { z } from "zod";
import { apiBaseUrl } from "../shared/api";

export const hubspotSettingsSchema = z.strictObject({
  apiBaseUrl: apiBaseUrl("https://api.hubapi.com"),
});

export const hubspotSecretsSchema = z.strictObject({
  accessToken: z
    .string({ error: "Paste the private app's access token" })
    .trim()
    .min(1, "Paste the private app's access token")
    .max(2_000)
    .regex(/^\S+$/, "An access token has no spaces")
    .meta({ description: "HubSpot → Settings → Integrations → Private apps → your app → Auth → Access token (pat-…). It needs crm.objects.<object>.read and .write for each object you sync." }),
});

export type HubspotSettings = z.output<typeof hubspotSettingsSchema>;
export type HubspotSecrets = z.output<typeof hubspotSecretsSchema>;

/** The CRM objects a sync can write, by their API name. */
export const hubspotObjects = [
  { name: "contacts", label: "Contacts" },
  { name: "companies", label: "Companies" },
  { name: "deals", label: "Deals" },
  { name: "products", label: "Products" },
] as const;
export type HubspotObject = (typeof hubspotObjects)[number]["name"];
