/** Settings and secrets of a Splio connection. Client-safe. */
import { z } from "zod";
import { apiBaseUrl } from "../shared/api";

export const splioSettingsSchema = z.strictObject({
  apiBaseUrl: apiBaseUrl("https://api.splio.com"),
});

export const splioSecretsSchema = z.strictObject({
  apiKey: z
    .string({ error: "Enter the API key from the universe's Users API page" })
    .trim()
    .min(1, "Enter the API key from the universe's Users API page")
    .max(1_000, "That is too long for a Splio API key")
    .meta({ description: "Splio administration → Users API: the key of the API user this app connects as." }),
});

export type SplioSettings = z.output<typeof splioSettingsSchema>;
export type SplioSecrets = z.output<typeof splioSecretsSchema>;

/** The objects a sync can write, by name. */
export const splioObjects = ["contacts", "products", "orders"] as const;
export type SplioObject = (typeof splioObjects)[number];
