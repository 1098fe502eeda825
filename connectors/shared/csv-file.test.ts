import { describe, expect, it } from "vitest";
import { fileNames, madeFromTemplate } from "./csv-file";

const run = { startedAt: new Date("2026-11-27T06:15:09.123Z"), runId: "0a1b2c3d-aaaa-4bbb-8ccc-000000000000", syncId: "9f8e7d6c-aaaa-4bbb-8ccc-000000000000" };

describe("file names", () => {
  it("fill the template's tokens from the run, in UTC", () => {
    expect(fileNames({ fileName: "contacts_{date}_{time}_{run}.csv", gzip: false }, run)).toEqual({
      main: "contacts_2026-11-27_061509_0a1b2c3d.csv",
      deletions: "contacts_2026-11-27_061509_0a1b2c3d_deletions.csv",
    });
    expect(fileNames({ fileName: "{sync}-{datetime}.csv", gzip: true }, run).main).toBe("9f8e7d6c-20261127T061509Z.csv.gz");
    expect(fileNames({ fileName: "export", gzip: false }, run)).toEqual({ main: "export", deletions: "export_deletions" });
    expect(fileNames({ fileName: "feed.csv.gz", gzip: true }, run)).toEqual({ main: "feed.csv.gz", deletions: "feed_deletions.csv.gz" });
  });

  it("recognise the earlier files of the same template, and nothing else", () => {
    const settings = { fileName: "contacts_{date}_{run}.csv", gzip: false };
    expect(madeFromTemplate(settings, "contacts_2026-11-20_12345678.csv", run.syncId)).toBe(true);
    expect(madeFromTemplate(settings, "contacts_2026-11-20_12345678_deletions.csv", run.syncId)).toBe(true);
    expect(madeFromTemplate(settings, "contacts_2026-11-20_12345678.csv.bak", run.syncId)).toBe(false);
    expect(madeFromTemplate(settings, "contacts_latest.csv", run.syncId)).toBe(false);
    expect(madeFromTemplate(settings, "orders_2026-11-20_12345678.csv", run.syncId)).toBe(false);
    expect(madeFromTemplate({ fileName: "a.b_{date}.csv", gzip: true }, "a.b_2026-01-01.csv.gz", run.syncId)).toBe(true);
    expect(madeFromTemplate({ fileName: "a.b_{date}.csv", gzip: true }, "aXb_2026-01-01.csv.gz", run.syncId)).toBe(false);
  });

  it("recognise only the sync's own files when the template names the sync", () => {
    const settings = { fileName: "feed_{sync}_{run}.csv", gzip: false };
    expect(madeFromTemplate(settings, "feed_9f8e7d6c_12345678.csv", run.syncId)).toBe(true);
    expect(madeFromTemplate(settings, "feed_0badc0de_12345678.csv", run.syncId)).toBe(false);
  });
});
