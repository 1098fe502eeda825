/**
 * Per-sync alert rules and their evaluation. Pure and client-safe: a rule is either "ok" or "alerting",
 * and a notice goes out only when that changes (the first violation, then the recovery), never once per
 * failing run in a row.
 */
import { z } from "zod";
import { completedRunStatuses, type FinishedRunStatus, isOneOf } from "@/lib/vocabulary";

/** `deletions`: a run was held by the sync's deletion limit (always on: a held run waits for a person). */
export const ruleNames = ["failure", "rejected", "stale", "deletions"] as const;
export type RuleName = (typeof ruleNames)[number];
export type RuleStatus = "ok" | "alerting";
export type Transition = { rule: RuleName; to: RuleStatus };

export const alertRulesSchema = z.strictObject({
  /** The workspace's notification channels that hear about this sync. */
  channelIds: z.array(z.uuid()).max(20).default([]),
  /** A run failed as a whole. */
  onFailure: z.boolean().default(true),
  /** A run's failed records are more than `percent` % of the records it handled, or more than `count`. */
  rejected: z
    .strictObject({
      percent: z.number().min(0, "0 to 100").max(100, "0 to 100").nullable().default(10),
      count: z.number().int().min(0).nullable().default(null),
    })
    .nullable()
    .default({ percent: 10, count: null }),
  /** The sync has not completed a run for this many hours (checked every few minutes). */
  staleHours: z.number().int().min(1, "At least 1 hour").max(2_160, "At most 90 days").nullable().default(null),
});

export type AlertRules = z.output<typeof alertRulesSchema>;
export const defaultAlertRules = (): AlertRules => alertRulesSchema.parse({});

export type RunOutcome = {
  status: FinishedRunStatus;
  counts?: { created: number; updated: number; deleted: number; failed: number };
};

/** Whether a completed run's failed records cross the rule: strictly more than the limits; no records, no violation. */
export function rejectedTooMany(rule: AlertRules["rejected"], counts: NonNullable<RunOutcome["counts"]>): boolean {
  if (!rule) return false;
  const handled = counts.created + counts.updated + counts.deleted + counts.failed;
  if (handled === 0 || counts.failed === 0) return false;
  const overPercent = rule.percent !== null && (counts.failed / handled) * 100 > rule.percent;
  const overCount = rule.count !== null && counts.failed > rule.count;
  return overPercent || overCount;
}

const completed = (status: RunOutcome["status"]) => isOneOf(completedRunStatuses, status);

/** What a finished run says about each rule: violated, satisfied, or nothing (a cancelled run says nothing; a held one only that it is held). */
export function judgeRun(rules: AlertRules, run: RunOutcome): Partial<Record<RuleName, RuleStatus>> {
  if (run.status === "cancelled") return {};
  if (run.status === "held") return { deletions: "alerting" };
  const verdict: Partial<Record<RuleName, RuleStatus>> = {};
  if (rules.onFailure) verdict.failure = run.status === "failed" ? "alerting" : "ok";
  if (rules.rejected && completed(run.status) && run.counts) verdict.rejected = rejectedTooMany(rules.rejected, run.counts) ? "alerting" : "ok";
  if (rules.staleHours !== null && completed(run.status)) verdict.stale = "ok";
  if (completed(run.status)) verdict.deletions = "ok";
  return verdict;
}

/** Whether the sync has gone `staleHours` without completing a run (counted from its creation if it never has). */
export function judgeStaleness(rules: AlertRules, p: { lastCompletedAt: Date | null; createdAt: Date; now: Date }): RuleStatus | undefined {
  if (rules.staleHours === null) return undefined;
  const since = p.lastCompletedAt ?? p.createdAt;
  return p.now.getTime() - since.getTime() > rules.staleHours * 3_600_000 ? "alerting" : "ok";
}

/** The changes of state a verdict makes, given the rules' current states (a rule never seen is "ok"). */
export function transitions(verdict: Partial<Record<RuleName, RuleStatus>>, current: Partial<Record<RuleName, RuleStatus>>): Transition[] {
  return ruleNames.flatMap((rule) => {
    const to = verdict[rule];
    return to && to !== (current[rule] ?? "ok") ? [{ rule, to }] : [];
  });
}
