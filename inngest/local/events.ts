/** Events in: validation, 24-hour id de-duplication, triggering runs, resuming waits, cancelling runs. */
import { and, eq, gte, inArray } from "drizzle-orm";
import { ulid } from "ulid";
import { z } from "zod";
import { type ExecutorContext, LIMITS } from "./context";
import { matches } from "./expressions";
import { createRun, type Effects, endRun, newEffects, resolveStep } from "./runs";
import { type EventPayload, inngestEvents, inngestRuns, inngestSteps } from "./schema";

const eventSchema = z.object({
  name: z.string().min(1, "An event needs a name"),
  data: z.record(z.string(), z.unknown()).default({}),
  id: z.string().min(1).optional(),
  ts: z.number().optional(),
  user: z.unknown().optional(),
  v: z.string().optional(),
});

export class EventRejected extends Error {}

/** Checks a batch as Inngest's event API does; throws EventRejected with the reason. */
export function parseEvents(body: unknown): EventPayload[] {
  const list = Array.isArray(body) ? body : [body];
  if (list.length > LIMITS.eventsPerSend) throw new EventRejected(`At most ${LIMITS.eventsPerSend} events per request`);
  return list.map((raw, i) => {
    const size = Buffer.byteLength(JSON.stringify(raw ?? null));
    if (size > LIMITS.eventBytes) throw new EventRejected(`Event ${i} is ${(size / 1024).toFixed(0)} KiB; Inngest refuses events over 256 KiB`);
    const parsed = eventSchema.safeParse(raw);
    if (!parsed.success) throw new EventRejected(`Event ${i}: ${parsed.error.issues.map((x) => `${x.path.join(".") || "event"} ${x.message}`).join("; ")}`);
    return { ...parsed.data, ts: parsed.data.ts ?? Date.now() };
  });
}

const triggers = (name: string, t: { event?: string }) => t.event !== undefined && (t.event === name || (t.event.endsWith("*") && name.startsWith(t.event.slice(0, -1))));

/**
 * Stores events and acts on them; returns one id per event (the first one's id for a duplicate). With
 * `onlyFor`, the events start a run of that function alone (a cron tick of one function).
 */
export async function ingestEvents(ctx: ExecutorContext, events: EventPayload[], onlyFor?: string): Promise<string[]> {
  const ids: string[] = [];
  for (const event of events) {
    const fx = newEffects();
    const id = await ctx.db.transaction(async (tx) => {
      if (event.id) {
        const [seen] = await tx
          .select({ internalId: inngestEvents.internalId })
          .from(inngestEvents)
          .where(and(eq(inngestEvents.id, event.id), eq(inngestEvents.name, event.name), gte(inngestEvents.receivedAt, new Date(Date.now() - LIMITS.dedupeWindowMs))))
          .limit(1);
        if (seen) return seen.internalId;
      }
      const internalId = ulid();
      await tx.insert(inngestEvents).values({ internalId, id: event.id, name: event.name, payload: event });
      const stored = { ...event, id: event.id ?? internalId };
      const target = onlyFor ? ctx.functions.get(onlyFor) : undefined;
      if (target) await createRun(ctx, tx, target, stored, fx);
      else await actOn(ctx, tx, stored, fx);
      return internalId;
    });
    ids.push(id);
    await emit(ctx, fx);
  }
  ctx.notify();
  return ids;
}

/** Sends the events that a committed change announced (function failed, cancelled). */
export async function emit(ctx: ExecutorContext, fx: Effects) {
  if (fx.emit.length) await ingestEvents(ctx, fx.emit.splice(0));
}

async function actOn(ctx: ExecutorContext, tx: ExecutorContext["db"], event: EventPayload, fx: Effects) {
  for (const fn of ctx.functions.values()) {
    if (fn.config.triggers.some((t) => triggers(event.name, t) && matches(t.expression, { event }))) await createRun(ctx, tx, fn, event, fx);
    for (const cancel of fn.config.cancel ?? []) {
      if (cancel.event !== event.name) continue;
      const active = await tx
        .select({ id: inngestRuns.id, event: inngestRuns.event })
        .from(inngestRuns)
        .where(and(eq(inngestRuns.functionId, fn.id), inArray(inngestRuns.status, ["queued", "running"])));
      for (const run of active)
        if (matches(cancel.if, { event: run.event, async: event }))
          await endRun(tx, run.id, "cancelled", { error: { name: "Cancelled", message: `Cancelled by the event ${event.name}` } }, fx);
    }
  }
  const known = [...ctx.functions.keys()];
  if (known.length === 0) return;
  const waiting = await tx
    .select({ runId: inngestSteps.runId, stepId: inngestSteps.id, waitIf: inngestSteps.waitIf, runEvent: inngestRuns.event })
    .from(inngestSteps)
    .innerJoin(inngestRuns, eq(inngestRuns.id, inngestSteps.runId))
    .where(and(eq(inngestSteps.waitEvent, event.name), eq(inngestSteps.status, "waiting"), inArray(inngestRuns.functionId, known)));
  for (const w of waiting)
    if (matches(w.waitIf ?? undefined, { event: w.runEvent, async: event })) await resolveStep(tx, w.runId, w.stepId, "waiting", { data: event }, fx);
}
