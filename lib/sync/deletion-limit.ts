/**
 * The deletion guard: how much one run of a sync may remove before it waits for a person to confirm it.
 * Pure and client-safe (the builder shows the same rule the engine applies).
 */
import { z } from "zod";
import { formatNumber } from "@/lib/utils";

export const deletionLimitSchema = z
  .strictObject({
    /** Strictly more than this share of the records the sync holds. */
    percent: z.number("A number from 0 to 100").min(0, "0 to 100").max(100, "0 to 100").nullable().default(null),
    /** Strictly more than this many records. */
    count: z.number("A whole number").int("A whole number").min(0, "0 or more").max(1_000_000_000, "At most 1,000,000,000").nullable().default(null),
  })
  .refine((l) => l.percent !== null || l.count !== null, "Give a percent, a count or both, or turn the limit off");

/** null: the limit is off, a run deletes whatever its plan says. */
export type DeletionLimit = z.output<typeof deletionLimitSchema> | null;

export const defaultDeletionLimit = (): NonNullable<DeletionLimit> => ({ percent: 20, count: 1_000 });

const share = (part: number, whole: number) => `${Math.round((part / whole) * 1000) / 10} %`;

/** Why a run that would delete `deletes` of the `holds` records its sync holds is over the limit, or null when it is not. */
export function deletionsOverLimit(limit: DeletionLimit, p: { deletes: number; holds: number }): string | null {
  if (!limit || p.deletes === 0) return null;
  const reasons = [
    ...(limit.percent !== null && p.deletes * 100 > limit.percent * p.holds ? [`more than ${limit.percent} % of its records`] : []),
    ...(limit.count !== null && p.deletes > limit.count ? [`more than ${formatNumber(limit.count)} ${limit.count === 1 ? "record" : "records"}`] : []),
  ];
  if (reasons.length === 0) return null;
  const of = p.holds > 0 ? ` of the ${formatNumber(p.holds)} it holds (${share(p.deletes, p.holds)})` : "";
  return `Held for confirmation: this run would delete ${formatNumber(p.deletes)} ${p.deletes === 1 ? "record" : "records"}${of}, and the sync's deletion limit stops a run that deletes ${reasons.join(" or ")}. Confirm and deliver it, or discard it.`;
}
