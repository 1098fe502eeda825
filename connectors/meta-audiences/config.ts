/** Settings and secrets of a Meta custom audiences connection. Client-safe. */
import { z } from "zod";
import { apiBaseUrl } from "../shared/api";

export const GRAPH_DEFAULT_VERSION = "v25.0";

export const metaAudiencesSettingsSchema = z.strictObject({
  adAccountId: z
    .string()
    .trim()
    .regex(/^act_\d{1,20}$/, "Enter the ad account id as act_ followed by its digits, such as act_1234567890")
    .describe("The ad account holding the audiences (Business Settings → Ad accounts), written act_…"),
  graphVersion: z
    .string()
    .trim()
    .regex(/^v\d{1,3}\.0$/, "A Graph API version such as v25.0")
    .default(GRAPH_DEFAULT_VERSION)
    .describe("Meta supports a version for at least 90 days after the next one is released"),
  newAudiences: z
    .array(z.string().trim().min(1, "An audience needs a name").max(200))
    .max(50)
    .default([])
    .describe("Customer-list audiences to create: each is offered as a destination (new:<name>) and created on the first run that writes to it"),
  apiBaseUrl: apiBaseUrl("https://graph.facebook.com"),
});

export const metaAudiencesSecretsSchema = z.strictObject({
  accessToken: z
    .string()
    .trim()
    .min(20, "Paste the system user's access token")
    .max(2_000)
    .describe("A system-user token with ads_management, the system user assigned to the ad account (MANAGE or ADVERTISE)"),
});

export type MetaAudiencesSettings = z.output<typeof metaAudiencesSettingsSchema>;
export type MetaAudiencesSecrets = z.output<typeof metaAudiencesSecretsSchema>;

/** The destination object of an audience the connector creates on its first run, by name. */
export const NEW_AUDIENCE_PREFIX = "new:";
