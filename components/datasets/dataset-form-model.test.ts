import { describe, expect, it } from "vitest";
import { formPath, suggestName, toDefinition } from "./dataset-form-model";

describe("the new dataset form", () => {
  it("names an aggregate after what it counts or sums", () => {
    expect(suggestName({ collection: "orders", fn: "count", field: "", whereEquals: "" })).toBe("orders_count");
    expect(suggestName({ collection: "orders", fn: "sum", field: "total", whereEquals: "Paid" })).toBe("paid_orders_sum_total");
  });

  it("builds the definition the server checks, leaving out empty lookups and a count's field", () => {
    const definition = toDefinition({
      name: "Buyers",
      description: "",
      baseEntity: "contacts",
      fields: ["id", "email"],
      lookups: { account: [], company: ["name"] },
      aggregates: [{ name: "orders_count", collection: "orders", fn: "count", field: "total", whereField: "status", whereEquals: "paid" }],
    });
    expect(definition).toEqual({
      baseEntity: "contacts",
      fields: ["id", "email"],
      lookups: [{ lookup: "company", fields: ["name"] }],
      aggregates: [{ name: "orders_count", collection: "orders", fn: "count", field: undefined, where: { field: "status", equals: "paid" } }],
    });
  });

  it("shows a refused aggregate's problem under the field that holds it", () => {
    expect(formPath("definition.aggregates.2.where.equals")).toBe("aggregates.2.whereField");
    expect(formPath("definition.aggregates.0.field")).toBe("aggregates.0.field");
    expect(formPath("name")).toBe("name");
    expect(formPath("definition.baseEntity")).toBeUndefined();
  });
});
