import { describe, expect, it } from "vitest";
import { cronProblem } from "./cron";
import { scheduleSchema } from "./schedule";

describe("cron expressions say what is wrong", () => {
  it("names every field that is out of range", () => {
    expect(cronProblem("61 * * * *")).toBe("minute 61 is out of range 0–59");
    expect(cronProblem("0 24 * * *")).toBe("hour 24 is out of range 0–23");
    expect(cronProblem("0 6 0 * *")).toBe("day of month 0 is out of range 1–31");
    expect(cronProblem("0 6 32 * *")).toBe("day of month 32 is out of range 1–31");
    expect(cronProblem("0 6 * 13 *")).toBe("month 13 is out of range 1–12");
    expect(cronProblem("0 6 * * 8")).toBe("weekday 8 is out of range 0–7");
    expect(cronProblem("0 6 * * 1,9")).toBe("weekday 9 is out of range 0–7");
    expect(cronProblem("0-60 6 * * *")).toBe("minute 60 is out of range 0–59");
  });

  it("counts the fields", () => {
    expect(cronProblem("0 6 * *")).toBe('Enter 5 fields (minute hour day-of-month month weekday), such as "0 6 * * 1-5"; this has 4');
    expect(cronProblem("0 0 6 * * *")).toBe('Enter 5 fields (minute hour day-of-month month weekday), such as "0 6 * * 1-5"; this has 6');
    expect(cronProblem("   ")).toBe('Enter a cron expression, such as "0 6 * * 1-5"');
  });

  it("explains bad steps, ranges, lists and words", () => {
    expect(cronProblem("*/0 * * * *")).toBe('minute step "0" must be a whole number from 1, as in */15');
    expect(cronProblem("*/x * * * *")).toBe('minute step "x" must be a whole number from 1, as in */15');
    expect(cronProblem("*/5/2 * * * *")).toBe('minute "*/5/2" has more than one step');
    expect(cronProblem("0 5-2 * * *")).toBe("hour range 5-2 runs backwards: put the smaller value first");
    expect(cronProblem("0 1-2-3 * * *")).toBe('hour range "1-2-3" should look like 1-5');
    expect(cronProblem("0 6- * * *")).toBe('hour range "6-" should look like 1-5');
    expect(cronProblem("0 6,,7 * * *")).toBe("hour has an empty item between commas");
    expect(cronProblem("a * * * *")).toBe('minute "a" is not a number');
    expect(cronProblem("0 6 * * funday")).toBe('weekday "funday" is not a number or a name such as mon');
    expect(cronProblem("0 6 * foo *")).toBe('month "foo" is not a number or a name such as feb');
  });

  it("accepts lists, ranges, steps, names and croner's last-day form", () => {
    for (const ok of ["0 6 * * 1-5", "*/15 * * * *", "0 8-18/2 * * mon-fri", "0,30 6 1,15 jan-jun 0", "0 0 L * *", "0 6 * * 7", "5-10 * * * *"]) expect(cronProblem(ok), ok).toBeUndefined();
  });

  it("gives the schema's refusal the same words, at the cron field", () => {
    const refused = scheduleSchema.safeParse({ type: "cron", cron: "61 * * * *", timezone: "Europe/Paris" });
    expect(refused.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["cron", "minute 61 is out of range 0–59"]]);
    expect(scheduleSchema.safeParse({ type: "cron", cron: "0 6 * * *", timezone: "Europe/Paris" }).success).toBe(true);
  });
});
