import { describe, expect, it } from "vitest";
import { defaultDeletionLimit, deletionLimitSchema, deletionsOverLimit } from "./deletion-limit";

describe("the deletion limit", () => {
  const limit = defaultDeletionLimit();
  it("holds a run strictly over 20 % of the sync's records, not at it", () => {
    expect(deletionsOverLimit(limit, { deletes: 20, holds: 100 })).toBeNull();
    expect(deletionsOverLimit(limit, { deletes: 21, holds: 100 })).toContain("would delete 21 records of the 100 it holds (21 %)");
  });
  it("holds a run strictly over 1,000 records, whatever their share", () => {
    expect(deletionsOverLimit(limit, { deletes: 1_000, holds: 1_000_000 })).toBeNull();
    expect(deletionsOverLimit(limit, { deletes: 1_001, holds: 1_000_000 })).toContain("more than 1,000 records");
  });
  it("names every limit crossed, and never holds a run that deletes nothing or a sync whose limit is off", () => {
    expect(deletionsOverLimit(limit, { deletes: 2_000, holds: 2_500 })).toContain("more than 20 % of its records or more than 1,000 records");
    expect(deletionsOverLimit({ percent: 0, count: 0 }, { deletes: 0, holds: 10 })).toBeNull();
    expect(deletionsOverLimit(null, { deletes: 10, holds: 10 })).toBeNull();
  });
  it("takes a percent, a count or both, and refuses neither", () => {
    expect(deletionLimitSchema.parse({ count: 5 })).toEqual({ percent: null, count: 5 });
    expect(deletionLimitSchema.safeParse({}).success).toBe(false);
    expect(deletionLimitSchema.safeParse({ percent: 101 }).success).toBe(false);
    expect(deletionLimitSchema.safeParse({ count: 1.5 }).success).toBe(false);
  });
});
