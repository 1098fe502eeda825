import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

describe("environment", () => {
  it("defaults to the embedded database under .data", () => {
    expect(parseEnv({})).toMatchObject({ DATA_DIR: ".data", PORT: 3000 });
    const blank = parseEnv({ DATABASE_URL: "", DATA_DIR: "" });
    expect(blank.DATABASE_URL).toBeUndefined();
    expect(blank.DATA_DIR).toBe(".data");
  });

  it("trusts no client address header unless the operator names it", () => {
    expect(parseEnv({}).TRUSTED_PROXY_HEADERS).toEqual([]);
    expect(parseEnv({ TRUSTED_PROXY_HEADERS: "X-Real-IP, cf-connecting-ip" }).TRUSTED_PROXY_HEADERS).toEqual(["x-real-ip", "cf-connecting-ip"]);
    expect(() => parseEnv({ TRUSTED_PROXY_HEADERS: "x-real-ip; evil" })).toThrow(/TRUSTED_PROXY_HEADERS must be header names/);
  });

  it("batches real-time changes for half a second, two seconds at most, unless told otherwise", () => {
    expect(parseEnv({})).toMatchObject({ REALTIME_WINDOW_MS: 500, REALTIME_MAX_WAIT_MS: 2_000 });
    expect(parseEnv({ REALTIME_WINDOW_MS: "1000", REALTIME_MAX_WAIT_MS: "5000" })).toMatchObject({ REALTIME_WINDOW_MS: 1_000, REALTIME_MAX_WAIT_MS: 5_000 });
    expect(() => parseEnv({ REALTIME_WINDOW_MS: "3000", REALTIME_MAX_WAIT_MS: "1000" })).toThrow(/REALTIME_MAX_WAIT_MS: REALTIME_MAX_WAIT_MS must be at least REALTIME_WINDOW_MS/);
    expect(() => parseEnv({ REALTIME_WINDOW_MS: "10" })).toThrow(/REALTIME_WINDOW_MS must be at least 100/);
  });

  it("names every bad variable", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://x", DATABASE_DRIVER: "oracle" })).toThrow(
      /DATABASE_URL: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL\n {2}DATABASE_DRIVER: /,
    );
  });
});
