import { describe, expect, it } from "vitest";
import { buildPayload } from "./payload";
import { applyCast, type Cast, CastError } from "./casts";
import { mappingSchema } from "./schema";

const failure = (value: unknown, cast: Cast) => {
  try {
    applyCast(value, cast);
  } catch (error) {
    return error instanceof CastError ? error.message : `not a CastError: ${String(error)}`;
  }
  return "converted";
};

describe("a cast", () => {
  it("to number reads numbers and numeric text, and refuses the rest", () => {
    expect(applyCast("7923.09", { type: "to_number" })).toBe(7923.09);
    expect(applyCast(" -1e3 ", { type: "to_number" })).toBe(-1000);
    expect(applyCast(12, { type: "to_number" })).toBe(12);
    expect(failure("12 kg", { type: "to_number" })).toBe('Cannot convert "12 kg" to number');
    expect(failure(true, { type: "to_number" })).toBe("Cannot convert true to number");
  });

  it.each([
    ["round", 7923.5, 7924, -2.5, -3],
    ["floor", 7923.9, 7923, -2.5, -3],
    ["ceil", 7923.1, 7924, -2.5, -2],
    ["truncate", 7923.9, 7923, -2.5, -2],
  ] as const)("to integer with %s rounding", (rounding, up, upped, down, downed) => {
    expect(applyCast(up, { type: "to_integer", rounding })).toBe(upped);
    expect(applyCast(down, { type: "to_integer", rounding })).toBe(downed);
    expect(applyCast(String(up), { type: "to_integer", rounding })).toBe(upped);
  });

  it("to integer refuses text and numbers too large to be exact", () => {
    expect(failure("seven", { type: "to_integer", rounding: "round" })).toBe('Cannot convert "seven" to integer');
    expect(failure(1e20, { type: "to_integer", rounding: "round" })).toBe("Cannot convert 100000000000000000000 to integer: it is too large");
  });

  it.each([
    ["iso", "2026-03-01", "2026-03-01", "2026-03-01T00:00:00.000Z"],
    ["iso", "2026-03-01T23:30:00+02:00", "2026-03-01", "2026-03-01T21:30:00.000Z"],
    ["iso", "2026-03-01 08:09:10", "2026-03-01", "2026-03-01T08:09:10.000Z"],
    ["DD/MM/YYYY", "04/07/1990", "1990-07-04", "1990-07-04T00:00:00.000Z"],
    ["MM/DD/YYYY", "07/04/1990", "1990-07-04", "1990-07-04T00:00:00.000Z"],
    ["unix", 1772352550, "2026-03-01", "2026-03-01T08:09:10.000Z"],
    ["unix_ms", "1772352550123", "2026-03-01", "2026-03-01T08:09:10.123Z"],
  ] as const)("to date and to date-time read %s input %s", (input, value, date, datetime) => {
    expect(applyCast(value, { type: "to_date", input })).toBe(date);
    expect(applyCast(value, { type: "to_datetime", input })).toBe(datetime);
  });

  it("to date refuses what its input format does not read, and impossible days", () => {
    expect(failure("13/25/2026", { type: "to_date", input: "DD/MM/YYYY" })).toBe('Cannot convert "13/25/2026" to date (read as DD/MM/YYYY)');
    expect(failure("31/02/2026", { type: "to_date", input: "DD/MM/YYYY" })).toBe('Cannot convert "31/02/2026" to date (read as DD/MM/YYYY)');
    expect(failure("01/03/2026", { type: "to_datetime", input: "iso" })).toMatch(/^Cannot convert "01\/03\/2026" to date-time \(read as ISO/);
    expect(failure("soon", { type: "to_date", input: "unix" })).toBe('Cannot convert "soon" to date (read as Unix seconds)');
  });

  it("to boolean reads true/false, yes/no and 1/0 in any case", () => {
    for (const yes of ["true", "YES", " Yes ", "1", 1, true]) expect(applyCast(yes, { type: "to_boolean" })).toBe(true);
    for (const no of ["False", "no", "0", 0, false]) expect(applyCast(no, { type: "to_boolean" })).toBe(false);
    expect(failure("maybe", { type: "to_boolean" })).toBe('Cannot convert "maybe" to boolean: expected true/false, yes/no or 1/0');
    expect(failure(2, { type: "to_boolean" })).toBe("Cannot convert 2 to boolean: expected true/false, yes/no or 1/0");
  });

  it("to string writes any value as text", () => {
    expect(applyCast(7923.09, { type: "to_string" })).toBe("7923.09");
    expect(applyCast(false, { type: "to_string" })).toBe("false");
    expect(applyCast({ a: 1 }, { type: "to_string" })).toBe('{"a":1}');
  });

  it("leaves nothing as nothing: null and blank text are not a failure", () => {
    expect(applyCast(null, { type: "to_integer", rounding: "round" })).toBeNull();
    expect(applyCast("  ", { type: "to_date", input: "iso" })).toBeNull();
    expect(applyCast("", { type: "to_string" })).toBe("");
  });
});

describe("a mapping with casts", () => {
  const mapping = (transforms: unknown[]) => mappingSchema.parse([{ from: { field: "total_spent" }, to: "spent", transforms }]);

  it("sends the converted value, and fails the record naming the value, the cast and the field", () => {
    expect(buildPayload({ id: "c_1", total_spent: 7923.09 }, mapping([{ type: "to_integer", rounding: "round" }]), { from: "id", to: "id" })).toEqual({ id: "c_1", spent: 7923 });
    expect(() => buildPayload({ id: "c_1", total_spent: "n/a" }, mapping([{ type: "to_number" }]), { from: "id", to: "id" })).toThrow(new CastError('Cannot convert "n/a" to number, for "spent"'));
  });

  it("accepts only the options each cast knows", () => {
    expect(() => mapping([{ type: "to_integer" }])).toThrow();
    expect(() => mapping([{ type: "to_integer", rounding: "bankers" }])).toThrow();
    expect(() => mapping([{ type: "to_date", input: "YYYY/DD/MM" }])).toThrow();
    expect(() => mapping([{ type: "to_boolean", truthy: "si" }])).toThrow();
  });
});
