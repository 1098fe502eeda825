/** The builder's starting state: empty for a new sync, or drawn from a saved one. */
import { syncToCanvas } from "@/components/mapping-canvas/model";
import type { Sync } from "@/lib/db/schema";
import { mappingSchema, matchKeySchema } from "@/lib/mapping/schema";
import { alertRulesSchema, defaultAlertRules } from "@/lib/notify/rules";
import { emptyFilter, filterGroupSchema } from "@/lib/segment/schema";
import { consentRuleSchema } from "@/lib/sync/config";
import { defaultDeletionLimit, deletionLimitSchema } from "@/lib/sync/deletion-limit";
import { scheduleSchema } from "@/lib/sync/schedule";
import { isOneOf, replaceStrategies } from "@/lib/vocabulary";
import type { BuilderInitial } from "./types";

export const newSyncInitial = (datasetId?: string): BuilderInitial => ({
  datasetId,
  filter: emptyFilter(),
  canvas: { links: [], constants: [], matchTo: null },
  settings: { name: "", onLeave: "nothing", mode: "incremental", replaceStrategy: null, schedule: { type: "manual" }, enabled: true, alerts: defaultAlertRules(), consent: null, deletionLimit: defaultDeletionLimit() },
});

export function savedSyncInitial(sync: Sync): BuilderInitial {
  const filter = filterGroupSchema.safeParse(sync.filter);
  const mapping = mappingSchema.safeParse(sync.mapping);
  const matchKey = matchKeySchema.safeParse(sync.matchKey);
  const schedule = scheduleSchema.safeParse(sync.schedule);
  const alerts = alertRulesSchema.safeParse(sync.alerts ?? {});
  const consent = consentRuleSchema.nullable().safeParse(sync.consent ?? null);
  const deletionLimit = deletionLimitSchema.nullable().safeParse(sync.deletionLimit);
  return {
    id: sync.id,
    createdAt: sync.createdAt.toISOString(),
    datasetId: sync.datasetId,
    filter: filter.success ? filter.data : emptyFilter(),
    connectionId: sync.connectionId,
    object: sync.object,
    canvas: syncToCanvas(mapping.success ? mapping.data : [], matchKey.success ? matchKey.data : null),
    settings: {
      name: sync.name,
      onLeave: sync.onLeave,
      mode: sync.mode,
      replaceStrategy: isOneOf(replaceStrategies, sync.replaceStrategy) ? sync.replaceStrategy : null,
      schedule: schedule.success ? schedule.data : { type: "manual" },
      enabled: sync.enabled,
      alerts: alerts.success ? alerts.data : defaultAlertRules(),
      consent: consent.success ? consent.data : null,
      deletionLimit: deletionLimit.success ? deletionLimit.data : defaultDeletionLimit(),
    },
  };
}
