import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { entities, entityNames } from "./catalog";
import { recordSchema, takesAsIs, writableFields } from "./records";

const nested = (depth: number): unknown => (depth === 0 ? "leaf" : { next: nested(depth - 1) });
const enumValues = entityNames.flatMap((e) => entities[e].fields.flatMap((f) => f.values ?? []));
const values: unknown[] = [
  ...[null, undefined, "", " ", "\t", "a", " a ", "x".repeat(10_000), "x".repeat(10_001), "a\u0000b", "\uD800", "\uDC00x", "😀", "Zoë"],
  ...[0, -1, 1.5, 12.345, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 9_999_999_999.99, 10_000_000_000, 2 ** 53, 1e300, Number.NaN, Number.POSITIVE_INFINITY, -0],
  ...[true, false, "true", "12", "1", "yes"],
  ...["2024-05-31", " 2024-05-31", "2024-05-31 ", "2024-02-30", "2024-5-31", "2024-05-31T14:00:00Z", "2024-05-31T14:00:00", "2024-05-31T14:00:00.123+02:00", "2024-05-31 14:00:00+00:00", "2024-13-01T00:00:00Z"],
  ...[{}, [], { a: 1 }, { a: "\u0000" }, { "\u0000": 1 }, nested(40), nested(5), [1, 2], new Date("2024-05-31T00:00:00Z"), Object.create(null)],
  ...enumValues,
  "x".repeat(200),
  "x".repeat(201),
];

describe("takesAsIs", () => {
  it("takes a record only when its schema would parse it to the very same record", () => {
    let taken = 0;
    for (const entity of entityNames) {
      const schema = recordSchema(entity, "json");
      const asIs = takesAsIs(entity);
      for (const field of [...writableFields(entity).map((f) => f.name), "traits", "unknown_field"]) {
        for (const value of values) {
          const records = field === "id" ? [{ id: value }] : [{ id: "k1", [field]: value }];
          for (const record of records as Record<string, unknown>[]) {
            if (!asIs(record)) continue;
            taken++;
            const parsed = schema.safeParse(record);
            expect({ entity, record, success: parsed.success }).toEqual({ entity, record, success: true });
            expect({ entity, field, same: isDeepStrictEqual(parsed.data, record) }).toEqual({ entity, field, same: true });
          }
        }
      }
    }
    expect(taken).toBeGreaterThan(200);
  });

  it("takes the usual rows of an import as they are", () => {
    expect(takesAsIs("contacts")({ id: "42", email: "a@example.com", first_name: "Ann", birth_date: "1990-05-17", traits: { score: 3, deleted_at: null } })).toBe(true);
    expect(takesAsIs("orders")({ id: "o1", contact_id: "42", total: 12.5, status: "paid", ordered_at: "2026-01-01T10:00:00Z" })).toBe(true);
    expect(takesAsIs("products")({ id: "p1", price: 3, active: true })).toBe(true);
  });
});
