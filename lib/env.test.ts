import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

describe("environment", () => {
  it("defaults to the embedded database under .data", () => {
    expect(parseEnv({})).toMatchObject({ DATA_DIR: ".data", PORT: 3000 });
    const blank = parseEnv({ DATABASE_URL: "", DATA_DIR: "" });
    expect(blank.DATABASE_URL).toBeUndefined();
    expect(blank.DATA_DIR).toBe(".data");
  });

  it("names every bad variable", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://x", DATABASE_DRIVER: "oracle" })).toThrow(
      /DATABASE_URL: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL\n {2}DATABASE_DRIVER: /,
    );
  });
});
