import { NonRetriableError } from "inngest";
import { getDb } from "@/lib/db/client";
import { attemptDelivery, checkStaleSyncs, markDeliveryFailed, recordRunOutcome } from "@/lib/notify/notices";
import { PermanentFailure } from "@/lib/notify/send";
import { inngest } from "../client";
import { notificationRequested, syncRunFinished } from "../events";

/** One request per delivery; its event id makes a replayed step send it once. A lost one is asked again without. */
const deliver = (ids: string[], again = false) => ids.map((deliveryId) => notificationRequested.create({ deliveryId }, again ? {} : { id: `notify-${deliveryId}` }));

/** A run ended (finalize or the run's onFailure announce it): judge the sync's alert rules and send what changed. */
export const notifyRunFinished = inngest.createFunction({ id: "notify-run-finished", name: "Alerts: judge a finished run", triggers: [syncRunFinished] }, async ({ event, step }) => {
  const ids = await step.run("judge-rules", () => recordRunOutcome(getDb(), event.data));
  if (ids.length) await step.sendEvent("deliver", deliver(ids));
  return { deliveries: ids.length };
});

/** Every 5 minutes: syncs that have not completed a run for their N hours, and any notice whose request was lost. */
export const notifyStaleSyncs = inngest.createFunction({ id: "notify-stale-syncs", name: "Alerts: stale syncs", triggers: [{ cron: "*/5 * * * *" }] }, async ({ step }) => {
  const { queued, lost } = await step.run("check-stale", () => checkStaleSyncs(getDb(), new Date()));
  if (queued.length + lost.length) await step.sendEvent("deliver", [...deliver(queued), ...deliver(lost, true)]);
  return { deliveries: queued.length, resent: lost.length };
});

/** One notice to one channel, retried with backoff on errors that may pass (5xx, 429, timeouts, SMTP 4xx). */
export const notifyDeliver = inngest.createFunction(
  {
    id: "notify-deliver",
    name: "Alerts: deliver a notice",
    retries: 5,
    triggers: [notificationRequested],
    concurrency: [{ limit: 1, key: "event.data.deliveryId" }],
    onFailure: async ({ event, step }) => {
      await step.run("mark-failed", () => markDeliveryFailed(getDb(), (event.data.event.data as { deliveryId: string }).deliveryId));
    },
  },
  async ({ event, step }) => {
    const status = await step.run("send", () =>
      attemptDelivery(getDb(), event.data.deliveryId).catch((error: unknown) => {
        throw error instanceof PermanentFailure ? new NonRetriableError(error.message) : error;
      }),
    );
    return { status };
  },
);
