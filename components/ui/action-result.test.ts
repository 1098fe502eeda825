import { describe, expect, it } from "vitest";
import { fieldProblem, problemsOf, problemText, unwrap } from "./action-result";

const refused = { ok: false as const, error: "Please fix the highlighted fields", fieldErrors: { name: ["Give the sync a name"], "alerts.channelIds": ["Pick a channel", "Or two"] } };

describe("action answers in the browser", () => {
  it("hands back the data of an accepted answer", () => {
    expect(unwrap({ ok: true, data: { id: "s1" } })).toEqual({ id: "s1" });
  });

  it("throws a refusal with each field's problems on a line of their own", () => {
    expect(() => unwrap(refused)).toThrow("name: Give the sync a name\nalerts.channelIds: Pick a channel; Or two");
    expect(problemText({ ok: false, error: "The run has already ended" })).toBe("The run has already ended");
  });

  it("finds a field's first problem, or the first problem of something inside it", () => {
    const problems = problemsOf(refused);
    expect(problems.message).toBe("Please fix the highlighted fields");
    expect(fieldProblem(problems, "name")).toBe("Give the sync a name");
    expect(fieldProblem(problems, "alerts")).toBe("Pick a channel");
    expect(fieldProblem(problems, "schedule")).toBeUndefined();
  });
});
