import { describe, expect, it } from "vitest";
import type { DestinationField } from "@/connectors/types";
import type { DatasetColumn } from "@/lib/datasets/definition";
import { buildPayload, entryValue } from "./payload";
import { type MappingEntry, mappingColumns, mappingSchema, type Transform } from "./schema";
import { entryType, namedFields, validateMapping } from "./validate";

const entry = (from: MappingEntry["from"], to: string, transforms: Transform[] = []): MappingEntry => ({ from, to, transforms });
const row = { id: "c_1", email: "  Ana@Example.COM ", first_name: "Ana", last_name: null, born_on: "1990-07-04", seen_at: "2026-03-01T08:09:10.123000Z", score: 7 };

describe("a mapped value", () => {
  it("comes from a column, a static value or a template whose missing columns read as nothing", () => {
    expect(entryValue(row, entry({ field: "first_name" }, "name"))).toBe("Ana");
    expect(entryValue(row, entry({ field: "nickname" }, "name"))).toBeNull();
    expect(entryValue(row, entry({ value: 42 }, "answer"))).toBe(42);
    expect(entryValue(row, entry({ template: "{first_name} {last_name}!" }, "full"))).toBe("Ana !");
  });

  it("goes through its transforms in order", () => {
    expect(entryValue(row, entry({ field: "email" }, "email", [{ type: "trim" }, { type: "lowercase" }]))).toBe("ana@example.com");
    expect(entryValue(row, entry({ field: "first_name" }, "name", [{ type: "uppercase" }]))).toBe("ANA");
    expect(entryValue(row, entry({ field: "last_name" }, "name", [{ type: "default", value: "Unknown" }]))).toBe("Unknown");
    expect(entryValue(row, entry({ field: "score" }, "score", [{ type: "lowercase" }]))).toBe(7);
  });

  it.each([
    ["YYYY-MM-DD", "2026-03-01"],
    ["YYYY-MM-DDTHH:mm:ssZ", "2026-03-01T08:09:10Z"],
    ["DD/MM/YYYY", "01/03/2026"],
    ["MM/DD/YYYY", "03/01/2026"],
    ["unix", 1772352550],
    ["unix_ms", 1772352550123],
  ] as const)("formats a date-time as %s, in UTC", (format, expected) => {
    expect(entryValue(row, entry({ field: "seen_at" }, "seen", [{ type: "date_format", format }]))).toBe(expected);
  });

  it("reads a plain date as midnight UTC and leaves what is not a date as it is", () => {
    expect(entryValue(row, entry({ field: "born_on" }, "born", [{ type: "date_format", format: "DD/MM/YYYY" }]))).toBe("04/07/1990");
    expect(entryValue(row, entry({ field: "first_name" }, "born", [{ type: "date_format", format: "unix" }]))).toBe("Ana");
    expect(entryValue(row, entry({ field: "last_name" }, "born", [{ type: "date_format", format: "unix" }]))).toBeNull();
  });
});

describe("a destination record", () => {
  it("holds the match key's value under the destination key, and never lets a mapping overwrite it", () => {
    const mapping = [entry({ field: "email" }, "email", [{ type: "trim" }]), entry({ value: "spoofed" }, "customer_id")];
    expect(buildPayload(row, mapping, { from: "id", to: "customer_id" })).toEqual({ customer_id: "c_1", email: "Ana@Example.COM" });
  });

  it("names every column it reads once, the match key's first", () => {
    const mapping = mappingSchema.parse([
      { from: { template: "{first_name} {last_name}" }, to: "full" },
      { from: { field: "email" }, to: "email" },
      { from: { field: "id" }, to: "ref" },
      { from: { value: 1 }, to: "one" },
    ]);
    expect(mappingColumns(mapping, { from: "id", to: "customer_id" })).toEqual(["id", "first_name", "last_name", "email"]);
  });
});

describe("checking a mapping", () => {
  const columns: DatasetColumn[] = [
    { name: "id", type: "string" },
    { name: "email", type: "string" },
    { name: "score", type: "number", integer: true },
    { name: "total", type: "number" },
    { name: "seen_at", type: "datetime" },
  ];
  const fields: DestinationField[] = [
    { name: "customer_id", type: "string", required: true, nullable: false, key: "primary" },
    { name: "email", type: "string", required: true, nullable: false, key: "unique" },
    { name: "score", type: "integer", required: false, nullable: true },
    { name: "seen", type: "date", required: false, nullable: true },
    { name: "label", type: "string", required: false, nullable: false },
  ];
  const check = (mapping: MappingEntry[], matchKey = { from: "id", to: "customer_id" }) => validateMapping({ mapping, matchKey, columns, fields });

  it("accepts a mapping every field of which the destination can take", () => {
    expect(check([entry({ field: "email" }, "email"), entry({ field: "score" }, "score"), entry({ field: "seen_at" }, "seen")])).toEqual([]);
  });

  it("names each problem by its path", () => {
    expect(
      check(
        [
          entry({ field: "phone" }, "email"),
          entry({ template: "{first} x" }, "label"),
          entry({ field: "email" }, "score"),
          entry({ value: null }, "label"),
          entry({ field: "email" }, "nowhere"),
          entry({ field: "email" }, "customer_id"),
        ],
        { from: "id", to: "customer_id" },
      ),
    ).toEqual([
      { path: "mapping.0.from", message: 'The dataset has no column "phone"' },
      { path: "mapping.1.from", message: 'The template names "{first}", which the dataset does not have' },
      { path: "mapping.2.to", message: '"score" takes whole numbers, but this link gives text: add the cast "to integer" to the link', fix: { type: "to_integer", rounding: "round" } },
      { path: "mapping.3.to", message: '"label" is mapped twice' },
      { path: "mapping.3.to", message: '"label" cannot be empty' },
      { path: "mapping.4.to", message: 'The destination has no field "nowhere"' },
      { path: "mapping.5.to", message: '"customer_id" is the match key: it always receives "id"' },
    ]);
  });

  it("refuses a match key that does not identify records, and asks for every required field", () => {
    expect(check([], { from: "email", to: "score" })).toEqual([
      { path: "matchKey.to", message: '"score" does not identify records: match on the primary key or a unique field' },
      { path: "mapping", message: 'The destination requires "customer_id": map it' },
      { path: "mapping", message: 'The destination requires "email": map it' },
    ]);
  });

  it("knows what type a transform makes", () => {
    const types = new Map(columns.map((c) => [c.name, c]));
    expect(entryType(entry({ field: "seen_at" }, "x", [{ type: "date_format", format: "unix" }]), types)).toBe("integer");
    expect(entryType(entry({ field: "score" }, "x", [{ type: "trim" }]), types)).toBe("string");
    expect(entryType(entry({ value: null }, "x", [{ type: "lowercase" }]), types)).toBe("null");
    expect(entryType(entry({ field: "email" }, "x", [{ type: "trim" }, { type: "to_boolean" }]), types)).toBe("boolean");
    expect(entryType(entry({ value: null }, "x", [{ type: "to_number" }]), types)).toBe("null");
  });

  it("refuses decimals into a whole-number field until a 'to integer' cast converts them", () => {
    expect(check([entry({ field: "email" }, "email"), entry({ field: "total" }, "score")])).toEqual([
      {
        path: "mapping.1.to",
        message: '"score" takes whole numbers, but this link gives numbers that may have decimals: add the cast "to integer" to the link',
        fix: { type: "to_integer", rounding: "round" },
      },
    ]);
    expect(check([entry({ field: "email" }, "email"), entry({ field: "total" }, "score", [{ type: "to_integer", rounding: "floor" }])])).toEqual([]);
    expect(check([entry({ field: "email" }, "email"), entry({ value: 7.5 }, "score")])).toHaveLength(1);
  });

  it("suggests the cast that makes text fit a date field, and accepts it once added", () => {
    const cast = { type: "to_date", input: "iso" } as const;
    expect(check([entry({ field: "email" }, "email"), entry({ field: "email" }, "seen")])[0]?.fix).toEqual(cast);
    expect(check([entry({ field: "email" }, "email"), entry({ field: "email" }, "seen", [cast])])).toEqual([]);
  });

  it("turns the columns a file names into distinct text fields that can identify records", () => {
    expect(namedFields(["id", "", "email", "id"])).toEqual([
      { name: "id", type: "string", required: false, nullable: true, key: "unique" },
      { name: "email", type: "string", required: false, nullable: true, key: "unique" },
    ]);
  });
});
