/** Settings and secrets of a Brevo (ex-Sendinblue) connection. Client-safe. */
import { z } from "zod";
import { apiBaseUrl } from "../shared/api";

export const BREVO_API = "https://api.brevo.com/v3";

export const brevoSettingsSchema = z.strictObject({
  listIds: z
    .array(z.coerce.number({ error: "A list id is a number, such as 2" }).int().positive("A list id is a positive number"))
    .max(50, "At most 50 lists")
    .default([])
    .describe("Brevo lists every synced contact is added to, by id (Contacts → Lists), such as [2, 7]"),
  apiBaseUrl: apiBaseUrl(BREVO_API),
});

export const brevoSecretsSchema = z.strictObject({
  apiKey: z
    .string({ error: "Enter the API key" })
    .trim()
    .min(1, "Enter the API key")
    .max(500)
    .describe("An API v3 key (xkeysib-…) from SMTP & API → API keys in Brevo"),
});

export type BrevoSettings = z.output<typeof brevoSettingsSchema>;
export type BrevoSecrets = z.output<typeof brevoSecretsSchema>;
