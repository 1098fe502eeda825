import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime } from "./utils";

describe("dates for the reader", () => {
  it("shows an instant in the reader's time zone and language, naming the zone", () => {
    const at = "2026-12-06T13:05:00.000000Z";
    expect(formatDateTime(at, { locale: "en-GB", timeZone: "Europe/Paris" })).toBe("6 Dec 2026, 14:05 CET");
    expect(formatDateTime(at, { locale: "en-US", timeZone: "America/New_York" })).toBe("Dec 6, 2026, 8:05 AM EST");
    expect(formatDateTime(new Date(at), { locale: "de-DE", timeZone: "UTC" })).toBe("6. Dez. 2026, 13:05 UTC");
  });

  it("keeps a calendar date on its day whatever the reader's zone, and shows an instant's day in that zone", () => {
    expect(formatDate("1990-03-05", { locale: "en-GB", timeZone: "America/Los_Angeles" })).toBe("5 Mar 1990");
    expect(formatDate("2026-12-06T23:30:00Z", { locale: "en-GB", timeZone: "Asia/Tokyo" })).toBe("7 Dec 2026");
  });

  it("leaves text that is no date as it is", () => {
    expect(formatDateTime("soon", { locale: "en-GB", timeZone: "UTC" })).toBe("soon");
    expect(formatDate("31/01/1990", { locale: "en-GB", timeZone: "UTC" })).toBe("31/01/1990");
  });
});
