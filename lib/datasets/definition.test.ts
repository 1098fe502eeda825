import { describe, expect, it } from "vitest";
import { datasetColumns, datasetDefinitionSchema } from "./definition";

const messages = (input: unknown) => {
  const r = datasetDefinitionSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("dataset definitions", () => {
  it("derives typed columns with the key first, marking number columns that hold whole numbers only", () => {
    const def = datasetDefinitionSchema.parse({
      baseEntity: "orders",
      fields: ["status", "total"],
      lookups: [{ lookup: "contact", fields: ["email"] }],
      aggregates: [
        { name: "items", collection: "order_items", fn: "count" },
        { name: "last_item_at", collection: "order_items", fn: "max", field: "updated_at" },
        { name: "units", collection: "order_items", fn: "sum", field: "quantity" },
        { name: "mean_units", collection: "order_items", fn: "avg", field: "quantity" },
      ],
      traits: [{ key: "channel", type: "string" }],
    });
    expect(datasetColumns(def)).toEqual([
      { name: "id", type: "string" },
      { name: "status", type: "string" },
      { name: "total", type: "number" },
      { name: "contact_email", type: "string" },
      { name: "items", type: "number", integer: true },
      { name: "last_item_at", type: "datetime" },
      { name: "units", type: "number", integer: true },
      { name: "mean_units", type: "number" },
      { name: "channel", type: "string" },
    ]);
  });

  it("refuses unknown entities, fields and relations with clear messages", () => {
    expect(messages({ baseEntity: "users" })[0]).toMatch(/^baseEntity: /);
    expect(messages({ baseEntity: "contacts", fields: ["emial"] })).toEqual(['fields.0: Contacts have no field "emial"']);
    expect(messages({ baseEntity: "contacts", lookups: [{ lookup: "company", fields: ["name"] }] })).toEqual([
      'lookups.0.lookup: Contacts have no related "company"',
    ]);
    expect(messages({ baseEntity: "orders", lookups: [{ lookup: "contact", fields: ["salary"] }] })).toEqual([
      'lookups.0.fields.0: Contacts have no field "salary"',
    ]);
  });

  it("checks that an aggregate fits its field", () => {
    expect(messages({ baseEntity: "contacts", aggregates: [{ name: "x", collection: "orders", fn: "sum", field: "status" }] })).toEqual([
      'aggregates.0.field: Sum of needs a number field; "status" is string',
    ]);
    expect(messages({ baseEntity: "contacts", aggregates: [{ name: "x", collection: "orders", fn: "max" }] })).toEqual([
      "aggregates.0.field: Pick the field to max",
    ]);
    expect(messages({ baseEntity: "contacts", aggregates: [{ name: "x", collection: "orders", fn: "count", where: { field: "colour", equals: "red" } }] })).toEqual([
      'aggregates.0.where: Orders have no field "colour"',
    ]);
  });

  it("refuses column names that are not plain identifiers or that clash", () => {
    expect(messages({ baseEntity: "contacts", aggregates: [{ name: 'x"; DROP TABLE contacts; --', collection: "orders", fn: "count" }] })[0]).toMatch(
      /aggregates.0.name: Use lower-case letters/,
    );
    expect(messages({ baseEntity: "contacts", aggregates: [{ name: "email", collection: "orders", fn: "count" }] })).toEqual([
      ': Two columns would be named "email": rename one',
    ]);
  });
});
