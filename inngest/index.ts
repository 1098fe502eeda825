import type { InngestFunction } from "inngest";
import { importRun } from "./functions/import-run";
import { importRunCancelled } from "./functions/import-run-cancelled";
import { importScheduler } from "./functions/import-scheduler";
import { notifyDeliver, notifyRunFinished, notifyStaleSyncs } from "./functions/notify";
import { recordLogRetention } from "./functions/record-log-retention";
import { syncRealtimeRun } from "./functions/sync-realtime";
import { syncRun } from "./functions/sync-run";
import { syncRunCancelled } from "./functions/sync-run-cancelled";
import { syncScheduler } from "./functions/sync-scheduler";

/** Every function the app serves at /api/inngest; one per file in inngest/functions/. */
export const functions: InngestFunction.Any[] = [
  syncRun,
  syncRunCancelled,
  syncScheduler,
  syncRealtimeRun,
  importRun,
  importRunCancelled,
  importScheduler,
  recordLogRetention,
  notifyRunFinished,
  notifyStaleSyncs,
  notifyDeliver,
];
