import "server-only";
import { isDeepStrictEqual } from "node:util";
import type { Db } from "@/lib/db/client";
import { insertSync, requireSync, writeSync } from "@/lib/db/queries/syncs";
import type { Sync } from "@/lib/db/schema";
import { alertRulesSchema, defaultAlertRules } from "@/lib/notify/rules";
import { consentRuleSchema, type SyncConfig } from "@/lib/sync/config";
import { deletionLimitSchema } from "@/lib/sync/deletion-limit";
import { checkSync } from "./check";

/** A checked sync as its row's values: what the input leaves out is stored as none (alerts: left out, kept). */
export const syncValues = (config: SyncConfig) => ({ ...config, filter: config.filter ?? null, replaceStrategy: config.replaceStrategy ?? null, consent: config.consent ?? null });

/** A sync as its input, to change some fields and check it again, or to export it. */
export function syncInputOf(s: Sync) {
  return {
    name: s.name,
    datasetId: s.datasetId,
    filter: s.filter,
    connectionId: s.connectionId,
    object: s.object,
    mapping: s.mapping,
    matchKey: s.matchKey,
    mode: s.mode,
    replaceStrategy: s.replaceStrategy,
    onLeave: s.onLeave,
    schedule: s.schedule,
    enabled: s.enabled,
    alerts: alertRulesSchema.parse(s.alerts ?? {}),
    consent: consentRuleSchema.nullable().parse(s.consent ?? null),
    deletionLimit: deletionLimitSchema.nullable().parse(s.deletionLimit),
  };
}

export async function createSync(db: Db, p: { workspaceId: string; input: unknown }) {
  const config = await checkSync(db, p);
  return insertSync(db, { workspaceId: p.workspaceId, values: { ...syncValues(config), alerts: config.alerts ?? defaultAlertRules() } });
}

/** JSON as stored: key order and left-out fields do not tell two configurations apart. */
const asStored = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));

/** Writes a checked change; a configuration equal to the stored one is not written (`changed: false`). */
export async function updateSync(db: Db, p: { workspaceId: string; syncId: string; input: unknown }) {
  const [config, current] = await Promise.all([checkSync(db, p), requireSync(db, p)]);
  const values = syncValues(config);
  const stored: Record<string, unknown> = current;
  const same = Object.entries(values).every(([key, value]) => value === undefined || isDeepStrictEqual(asStored(value), asStored(stored[key])));
  if (same) return { sync: current, changed: false };
  return { sync: await writeSync(db, { ...p, values }), changed: true };
}
