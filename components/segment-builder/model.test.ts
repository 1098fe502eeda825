import { describe, expect, it } from "vitest";
import type { DatasetColumn } from "@/lib/datasets/definition";
import { emptyFilter as emptyTree, filterSchemaFor } from "@/lib/segment/schema";
import { addCondition, addGroup, previewColumns, problemsByPath, removeNode, setColumn, setCombinator, setOperator, setValue, toStoredFilter } from "./model";

const columns: DatasetColumn[] = [
  { name: "country", type: "string" },
  { name: "orders_count", type: "number" },
  { name: "last_order_at", type: "datetime" },
  { name: "vip", type: "boolean" },
];
const col = (name: string) => columns.find((c) => c.name === name)!;

describe("segment builder state → filter tree", () => {
  it("builds a nested tree of two conditions in an OR group, valid for the dataset", () => {
    let tree = emptyTree();
    tree = addCondition(tree, [], col("country"));
    tree = setOperator(tree, [0], "is_one_of", col("country"));
    tree = setValue(tree, [0], ["FR", "DE"]);
    tree = addGroup(tree, [], col("orders_count"));
    tree = setOperator(tree, [1, 0], "gte", col("orders_count"));
    tree = setValue(tree, [1, 0], 3);
    tree = addCondition(tree, [1], col("last_order_at"));
    tree = setOperator(tree, [1, 1], "in_last_days", col("last_order_at"));
    expect(tree).toEqual({
      type: "group",
      combinator: "and",
      children: [
        { type: "condition", column: "country", operator: "is_one_of", value: ["FR", "DE"] },
        {
          type: "group",
          combinator: "or",
          children: [
            { type: "condition", column: "orders_count", operator: "gte", value: 3 },
            { type: "condition", column: "last_order_at", operator: "in_last_days", value: 30 },
          ],
        },
      ],
    });
    expect(filterSchemaFor(columns).safeParse(tree).success).toBe(true);
  });

  it("keeps the operator when the new column's type allows it, resets it otherwise", () => {
    let tree = addCondition(emptyTree(), [], col("orders_count"));
    tree = setOperator(tree, [0], "is_empty", col("orders_count"));
    expect(setColumn(tree, [0], col("country")).children[0]).toEqual({ type: "condition", column: "country", operator: "is_empty", value: undefined });
    tree = setOperator(tree, [0], "gt", col("orders_count"));
    expect(setColumn(tree, [0], col("vip")).children[0]).toEqual({ type: "condition", column: "vip", operator: "is_true", value: undefined });
  });

  it("removes nodes and switches combinators; an empty tree is stored as no filter", () => {
    let tree = addGroup(addCondition(emptyTree(), [], col("country")), [], col("vip"));
    tree = setCombinator(tree, [1], "and");
    expect((tree.children[1] as { combinator: string }).combinator).toBe("and");
    tree = removeNode(tree, [1, 0]);
    expect(tree.children[1]).toEqual({ type: "group", combinator: "and", children: [] });
    expect(toStoredFilter(removeNode(removeNode(tree, [1]), [0]))).toBeNull();
  });
});

describe("conditions without a value", () => {
  it("are marked on their row until a value is entered or an operator that takes none is picked", () => {
    let tree = addGroup(addCondition(emptyTree(), [], col("country")), [], col("orders_count"));
    tree = setValue(tree, [1, 0], "");
    const missing = "Enter a value, or pick “is empty” to match rows without one";
    expect([...problemsByPath(tree, columns)]).toEqual([["0", missing], ["1.0", missing]]);
    tree = setValue(tree, [0], "   ");
    tree = setOperator(tree, [1, 0], "is_empty", col("orders_count"));
    expect([...problemsByPath(tree, columns)]).toEqual([["0", missing]]);
    tree = setOperator(tree, [0], "is_one_of", col("country"));
    expect([...problemsByPath(tree, columns)]).toEqual([["0", missing]]);
    expect(problemsByPath(setValue(tree, [0], ["FR"]), columns).size).toBe(0);
  });
});

describe("segment preview columns", () => {
  it("shows the key column and the columns the filter uses first", () => {
    const cols = ["id", "email", "first_name", "last_name", "phone", "country", "city", "birth_date"].map((name) => ({ name, type: "string" as const }));
    const tree = { type: "group" as const, combinator: "and" as const, children: [{ type: "condition" as const, column: "city", operator: "equals" as const, value: "Utrecht" }] };
    expect(previewColumns(cols, tree).map((c) => c.name)).toEqual(["id", "city", "email", "first_name", "last_name", "phone"]);
  });
});
