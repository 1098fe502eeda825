import { describe, expect, it } from "vitest";
import { describeCron } from "./cron";
import { describeSchedule } from "./schedule";
import { formatRunTime, previewSchedule } from "./schedule-preview";

const at = (iso: string) => new Date(iso);
const now = at("2026-03-27T12:00:00Z");
const viewerZone = "Europe/Amsterdam";
const runs = (preview: ReturnType<typeof previewSchedule>) => (preview.ok ? preview.next.map((d) => formatRunTime(d, preview.zone)) : preview.problems);

describe("schedule preview", () => {
  it("reads a cron expression as a sentence with its time zone", () => {
    expect(describeCron("0 6 * * *", "Europe/Paris")).toBe("every day at 06:00, Europe/Paris");
    expect(describeCron("0 6,18 * * *")).toBe("every day at 06:00 and 18:00, UTC");
    expect(describeCron("0 6 ? * *")).toBe("every day at 06:00, UTC");
    expect(describeCron("0 0 * * 5#L", "Europe/Paris")).toBe("cron 0 0 * * 5#L, Europe/Paris");
    expect(describeCron("0 6 * * 1-5", "Europe/Paris")).toBe("at 06:00, Monday through Friday, Europe/Paris");
    expect(describeCron("*/15 * * * *", "America/New_York")).toBe("every 15 minutes, America/New_York");
    // The syncs list and the dashboard read it the same way.
    expect(describeSchedule({ type: "cron", cron: "0 6 * * *", timezone: "Europe/Paris" })).toBe("every day at 06:00, Europe/Paris");
    expect(describeSchedule({ type: "cron", cron: "0 6 * * *" })).toBe("every day at 06:00, UTC");
  });

  it("lists the next three cron runs in the chosen time zone, across the change to summer time", () => {
    const daily = previewSchedule({ type: "cron", cron: "0 6 * * *", timezone: "Europe/Paris" }, { now, viewerZone });
    expect(daily).toMatchObject({ ok: true, sentence: "every day at 06:00, Europe/Paris", zone: "Europe/Paris" });
    expect(daily.ok && daily.next).toEqual([at("2026-03-28T05:00:00Z"), at("2026-03-29T04:00:00Z"), at("2026-03-30T04:00:00Z")]);
    expect(runs(daily)).toEqual(["Sat, 28 Mar 2026, 06:00 CET", "Sun, 29 Mar 2026, 06:00 CEST", "Mon, 30 Mar 2026, 06:00 CEST"]);
    // 02:30 does not exist in Paris on the last Sunday of March: that run happens at 03:00.
    const night = previewSchedule({ type: "cron", cron: "30 2 * * *", timezone: "Europe/Paris" }, { now, viewerZone });
    expect(runs(night)).toEqual(["Sat, 28 Mar 2026, 02:30 CET", "Sun, 29 Mar 2026, 03:00 CEST", "Mon, 30 Mar 2026, 02:30 CEST"]);
    expect(runs(previewSchedule({ type: "cron", cron: "0 6 * * *" }, { now, viewerZone }))).toEqual(["Sat, 28 Mar 2026, 06:00 UTC", "Sun, 29 Mar 2026, 06:00 UTC", "Mon, 30 Mar 2026, 06:00 UTC"]);
  });

  it("shows the next interval runs, counted from the sync's creation or from saving a new one", () => {
    const saved = previewSchedule({ type: "interval", minutes: 90 }, { now, createdAt: at("2026-03-27T10:00:00Z"), viewerZone });
    expect(saved).toMatchObject({ ok: true, sentence: "every 90 minutes, counted from when it was created", zone: viewerZone });
    expect(saved.ok && saved.next).toEqual([at("2026-03-27T13:00:00Z"), at("2026-03-27T14:30:00Z"), at("2026-03-27T16:00:00Z")]);
    const fresh = previewSchedule({ type: "interval", minutes: 60 }, { now, viewerZone });
    expect(fresh).toMatchObject({ ok: true, sentence: "every 60 minutes, counted from when it was saved" });
    expect(runs(fresh)).toEqual(["Fri, 27 Mar 2026, 14:00 CET", "Fri, 27 Mar 2026, 15:00 CET", "Fri, 27 Mar 2026, 16:00 CET"]);
  });

  it("says what starts a real-time or manual run", () => {
    expect(previewSchedule({ type: "realtime" }, { now, viewerZone })).toMatchObject({ ok: true, next: [], sentence: expect.stringMatching(/^in real time: a run starts a few seconds after rows of the dataset change/) });
    expect(previewSchedule({ type: "manual" }, { now, viewerZone })).toMatchObject({ ok: true, next: [], sentence: "only when someone starts a run, on its page or through the API" });
  });

  it("gives the problems of each field, in the server's words", () => {
    expect(previewSchedule({ type: "cron", cron: "61 * * * *", timezone: "Mars/Olympus" }, { now, viewerZone })).toEqual({ ok: false, problems: { cron: "minute 61 is out of range 0–59", timezone: "Unknown time zone" } });
    expect(previewSchedule({ type: "cron", cron: "61 * * * *", timezone: "Europe/Paris" }, { now, viewerZone })).toEqual({ ok: false, problems: { cron: "minute 61 is out of range 0–59" } });
    expect(previewSchedule({ type: "interval", minutes: 0 }, { now, viewerZone })).toEqual({ ok: false, problems: { minutes: "At least every minute" } });
  });
});
