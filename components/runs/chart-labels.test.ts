import { describe, expect, it } from "vitest";
import { runLabels } from "./chart-labels";
import { describeProgress } from "./progress";

const reader = { locale: "en-GB", timeZone: "Europe/Paris" };

describe("labels of the history chart", () => {
  it("names runs by minute in the reader's zone", () => {
    expect(runLabels(["2026-12-06T09:00:00Z", "2026-12-06T10:30:00Z"], reader)).toEqual(["6 Dec, 10:00", "6 Dec, 11:30"]);
  });

  it("tells apart two runs of the same minute, by seconds and then by number", () => {
    expect(runLabels(["2026-12-06T09:00:05Z", "2026-12-06T09:00:40Z", "2026-12-06T09:05:00Z"], reader)).toEqual(["6 Dec, 10:00:05", "6 Dec, 10:00:40", "6 Dec, 10:05"]);
    expect(runLabels(["2026-12-06T09:00:05.100Z", "2026-12-06T09:00:05.900Z"], reader)).toEqual(["6 Dec, 10:00:05", "6 Dec, 10:00:05 (2)"]);
  });
});

describe("a run's progress", () => {
  it("says the run is waiting or planning instead of 0 / 0 records", () => {
    expect(describeProgress({ status: "queued", planned: 0, delivered: 0 })).toEqual({ percent: undefined, text: "Waiting to start…" });
    expect(describeProgress({ status: "running", planned: 0, delivered: 0 })).toEqual({ percent: undefined, text: "Planning which records to send…" });
    expect(describeProgress({ status: "running", planned: 1_200, delivered: 300 })).toEqual({ percent: 25, text: "300 / 1,200 records delivered" });
  });
});
