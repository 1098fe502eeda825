/** Settings and secrets of a Brevo (ex-Sendinblue) connection. Client-safe. */
import { z } from "zod";
import { apiBaseUrl } from "../shared/api";

export const BREVO_API = "https://api.brevo.com/v3";

export const brevoSettingsSchema = z
  .strictObject({
    listIds: z
      .array(z.coerce.number({ error: "A list id is a number, such as 2" }).int().positive("A list id is a positive number"))
      .max(50, "At most 50 lists")
      .default([])
      .describe("Brevo lists every synced contact is added to, by id (Contacts → Lists), such as [2, 7]"),
    onLeave: z
      .enum(["remove_from_lists", "delete_contact"], { error: 'Choose "remove_from_lists" or "delete_contact"' })
      .optional()
      .describe(
        "What a contact that leaves the synced data (a sync whose on-leave is delete, or a replace) becomes in Brevo. " +
          "remove_from_lists: it is taken off the lists above and kept in Brevo, with its attributes and history. " +
          "delete_contact: the Brevo contact is deleted, even one that existed before the sync. " +
          "Left empty: remove_from_lists when lists are set; delete_contact when none are (there is no list to take it off).",
      ),
    apiBaseUrl: apiBaseUrl(BREVO_API),
  })
  .superRefine((s, ctx) => {
    if (s.onLeave === "remove_from_lists" && s.listIds.length === 0)
      ctx.addIssue({ code: "custom", path: ["onLeave"], message: "remove_from_lists needs at least one list in listIds: name the lists, or choose delete_contact" });
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
export type OnLeave = NonNullable<BrevoSettings["onLeave"]>;

/** What leaving does for a connection; connections saved before the setting existed get the same default. */
export const onLeaveOf = (s: Pick<BrevoSettings, "onLeave"> & { listIds?: number[] }): OnLeave => s.onLeave ?? ((s.listIds?.length ?? 0) > 0 ? "remove_from_lists" : "delete_contact");
