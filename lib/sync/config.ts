/** A sync's configuration (zod), as the REST API, server actions and tests give it. Client-safe. */
import { z } from "zod";
import { filterGroupSchema } from "@/lib/segment/schema";
import { mappingSchema, matchKeySchema } from "@/lib/mapping/schema";
import { consentChannels } from "@/lib/entities/catalog";
import { alertRulesSchema } from "@/lib/notify/rules";
import { text } from "@/lib/validation/text";
import { onLeaveChoices, replaceStrategies, runModes } from "@/lib/vocabulary";
import { defaultDeletionLimit, deletionLimitSchema } from "./deletion-limit";
import { scheduleSchema } from "./schedule";

/**
 * Consent gating: only contacts whose latest consent on this channel is "granted" are sent; a contact
 * sent before who no longer has it is removed (whatever the on-leave choice), named by what was sent.
 */
export const consentRuleSchema = z.strictObject({ channel: z.enum(consentChannels, "Pick the consent channel contacts must have granted") });
export type ConsentRule = z.output<typeof consentRuleSchema>;

export const syncInputSchema = z.strictObject({
  name: text().trim().min(1, "Give the sync a name").max(100),
  datasetId: z.uuid("Pick a dataset"),
  filter: filterGroupSchema.nullable().optional(),
  connectionId: z.uuid("Pick a connection"),
  object: text().trim().min(1, "Pick the destination object").max(200),
  mapping: mappingSchema,
  matchKey: matchKeySchema,
  mode: z.enum(runModes).default("incremental"),
  replaceStrategy: z.enum(replaceStrategies).nullable().optional(),
  onLeave: z.enum(onLeaveChoices).default("nothing"),
  schedule: scheduleSchema.default({ type: "manual" }),
  enabled: z.boolean().default(true),
  /** Who hears about failures, and when; left out on a change, the stored rules stay. */
  alerts: alertRulesSchema.optional(),
  consent: consentRuleSchema.nullable().optional(),
  /** The deletion guard: a run that would delete more waits for confirmation; null turns it off. */
  deletionLimit: deletionLimitSchema.nullable().default(defaultDeletionLimit),
});

export type SyncInput = z.input<typeof syncInputSchema>;
export type SyncConfig = z.output<typeof syncInputSchema>;
