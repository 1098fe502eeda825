import { describe, expect, it } from "vitest";
import { alertRulesSchema, defaultAlertRules, judgeRun, judgeStaleness, rejectedTooMany, transitions } from "./rules";

const counts = (created: number, failed: number, updated = 0, deleted = 0) => ({ created, updated, deleted, failed });

describe("the rejected-records threshold", () => {
  const tenPercent = { percent: 10, count: null };
  it("is crossed only above the percentage, not at it", () => {
    expect(rejectedTooMany(tenPercent, counts(90, 10))).toBe(false);
    expect(rejectedTooMany(tenPercent, counts(89, 11))).toBe(true);
    expect(rejectedTooMany({ percent: 0, count: null }, counts(1_000, 1))).toBe(true);
  });
  it("counts creates, updates, deletes and failures as the records handled", () => {
    expect(rejectedTooMany(tenPercent, counts(30, 10, 30, 30))).toBe(false);
    expect(rejectedTooMany(tenPercent, counts(30, 11, 30, 29))).toBe(true);
  });
  it("is never crossed by a run with no records, and always by one whose records all failed", () => {
    expect(rejectedTooMany(tenPercent, counts(0, 0))).toBe(false);
    expect(rejectedTooMany({ percent: 0, count: 0 }, counts(0, 0))).toBe(false);
    expect(rejectedTooMany(tenPercent, counts(0, 1))).toBe(true);
    expect(rejectedTooMany({ percent: 100, count: null }, counts(0, 5))).toBe(false);
    expect(rejectedTooMany({ percent: 99.9, count: null }, counts(0, 5))).toBe(true);
  });
  it("takes a count too: more than it, whatever the share", () => {
    expect(rejectedTooMany({ percent: null, count: 5 }, counts(10_000, 5))).toBe(false);
    expect(rejectedTooMany({ percent: null, count: 5 }, counts(10_000, 6))).toBe(true);
    expect(rejectedTooMany({ percent: 50, count: 5 }, counts(10_000, 6))).toBe(true);
    expect(rejectedTooMany(null, counts(0, 6))).toBe(false);
  });
});

describe("rule states", () => {
  const rules = { ...defaultAlertRules(), staleHours: 24 };
  it("alert on the first failure, stay quiet on the next ones, recover on a completed run", () => {
    let state = {};
    const failed = judgeRun(rules, { status: "failed" });
    expect(transitions(failed, state)).toEqual([{ rule: "failure", to: "alerting" }]);
    state = { failure: "alerting" };
    expect(transitions(judgeRun(rules, { status: "failed" }), state)).toEqual([]);
    expect(transitions(judgeRun(rules, { status: "cancelled" }), state)).toEqual([]);
    expect(transitions(judgeRun(rules, { status: "succeeded", counts: counts(5, 0) }), state)).toEqual([{ rule: "failure", to: "ok" }]);
  });
  it("judge rejections only on completed runs, and say nothing of rules that are off", () => {
    expect(judgeRun(rules, { status: "partial", counts: counts(1, 9) })).toEqual({ failure: "ok", rejected: "alerting", stale: "ok", deletions: "ok" });
    expect(judgeRun(rules, { status: "failed", counts: counts(0, 9) })).toEqual({ failure: "alerting" });
    expect(judgeRun({ ...rules, onFailure: false, rejected: null, staleHours: null }, { status: "failed" })).toEqual({});
  });
  it("alert once when a run is held by the deletion limit, whatever else is on, and recover on a completed run", () => {
    const quiet = { ...rules, onFailure: false, rejected: null, staleHours: null };
    expect(judgeRun(quiet, { status: "held" })).toEqual({ deletions: "alerting" });
    expect(transitions(judgeRun(rules, { status: "held" }), {})).toEqual([{ rule: "deletions", to: "alerting" }]);
    expect(transitions(judgeRun(rules, { status: "held" }), { deletions: "alerting" })).toEqual([]);
    expect(transitions(judgeRun(quiet, { status: "succeeded", counts: counts(1, 0) }), { deletions: "alerting" })).toEqual([{ rule: "deletions", to: "ok" }]);
  });
  it("call a sync stale strictly after N hours without a completed run, counted from its creation when it never ran", () => {
    const createdAt = new Date("2026-01-01T00:00:00Z");
    expect(judgeStaleness(rules, { lastCompletedAt: null, createdAt, now: new Date("2026-01-02T00:00:00Z") })).toBe("ok");
    expect(judgeStaleness(rules, { lastCompletedAt: null, createdAt, now: new Date("2026-01-02T00:00:01Z") })).toBe("alerting");
    expect(judgeStaleness(rules, { lastCompletedAt: new Date("2026-01-02T00:00:00Z"), createdAt, now: new Date("2026-01-02T12:00:00Z") })).toBe("ok");
    expect(judgeStaleness({ ...rules, staleHours: null }, { lastCompletedAt: null, createdAt, now: new Date("2027-01-01") })).toBeUndefined();
  });
  it("default to alerting on failures and on more than 10% rejected, to any channel chosen", () => {
    expect(defaultAlertRules()).toEqual({ channelIds: [], onFailure: true, rejected: { percent: 10, count: null }, staleHours: null });
    expect(alertRulesSchema.safeParse({ rejected: { percent: 120 } }).success).toBe(false);
  });
});
