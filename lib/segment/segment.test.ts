import { beforeAll, describe, expect, it } from "vitest";
import { getDatasetByName, previewDatasetRows, type Row } from "@/lib/db/queries/datasets";
import { listSegments, previewSegment, saveSegment } from "@/lib/db/queries/segments";
import { upsertRecords } from "@/lib/entities/upsert";
import { newWorkspace, smallScale, connectTestDb } from "@/test/db";
import { type Condition, type FilterGroup, filterSchemaFor } from "./schema";

const { db } = connectTestDb();
let workspaceId: string;
let dataset: NonNullable<Awaited<ReturnType<typeof getDatasetByName>>>;
let rows: Row[];

beforeAll(async () => {
  workspaceId = await newWorkspace(db, { seed: smallScale });
  dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
  rows = await previewDatasetRows(db, { workspaceId, definition: dataset.definition, limit: 10_000, offset: 0 });
});

const and = (...children: FilterGroup["children"]): FilterGroup => ({ type: "group", combinator: "and", children });
const or = (...children: FilterGroup["children"]): FilterGroup => ({ type: "group", combinator: "or", children });
const c = (column: string, operator: Condition["operator"], value?: unknown): Condition => ({ type: "condition", column, operator, value });
const day = 86_400_000;
const str = (r: Row, k: string) => (r[k] as string | null) ?? null;

describe("segments over a dataset", () => {
  const cases: [string, FilterGroup, (r: Row) => boolean][] = [
    ["text equals / does not equal", and(c("country", "equals", "FR")), (r) => r.country === "FR"],
    ["does not equal keeps empty values", and(c("phone", "not_equals", "x")), () => true],
    ["contains (any case)", and(c("email", "contains", "GMAIL")), (r) => str(r, "email")!.toLowerCase().includes("gmail")],
    ["does not contain", and(c("email", "not_contains", "gmail")), (r) => !str(r, "email")!.toLowerCase().includes("gmail")],
    ["starts with / ends with", and(c("email", "ends_with", ".com"), c("first_name", "starts_with", "a")), (r) => str(r, "email")!.toLowerCase().endsWith(".com") && str(r, "first_name")!.toLowerCase().startsWith("a")],
    ["is one of", and(c("country", "is_one_of", ["DE", "NL"])), (r) => ["DE", "NL"].includes(r.country as string)],
    ["is empty / is not empty", or(c("phone", "is_empty"), c("birth_date", "is_empty")), (r) => !r.phone || r.birth_date === null],
    ["numbers", and(c("orders_count", "gte", 3), c("total_spent", "lt", 900)), (r) => (r.orders_count as number) >= 3 && (r.total_spent as number) < 900],
    ["between", and(c("total_spent", "between", [100, 500])), (r) => (r.total_spent as number) >= 100 && (r.total_spent as number) <= 500],
    ["dates", and(c("birth_date", "before", "1970-01-01")), (r) => r.birth_date !== null && (r.birth_date as string) < "1970-01-01"],
    ["date-times", and(c("last_order_at", "after", "2026-06-01T00:00:00Z")), (r) => r.last_order_at !== null && Date.parse(r.last_order_at as string) > Date.parse("2026-06-01T00:00:00Z")],
    ["in the last N days", and(c("created_at", "in_last_days", 400)), (r) => Date.parse(r.created_at as string) >= Date.now() - 400 * day],
    ["more than N days ago", and(c("created_at", "more_than_days_ago", 400)), (r) => Date.parse(r.created_at as string) < Date.now() - 400 * day],
    [
      "nested groups",
      and(c("email_consent", "equals", "granted"), or(c("country", "equals", "FR"), and(c("orders_count", "gt", 2), c("sms_consent", "not_equals", "granted")))),
      (r) => r.email_consent === "granted" && (r.country === "FR" || ((r.orders_count as number) > 2 && r.sms_consent !== "granted")),
    ],
    ["an empty group matches everything", and(), () => true],
  ];

  it.each(cases)("%s", async (_name, filter, predicate) => {
    const expected = rows.filter(predicate);
    const preview = await previewSegment(db, { workspaceId, dataset, filter, limit: 5 });
    expect(preview.count).toBe(expected.length);
    expect(preview.rows.map((r) => r.id)).toEqual(expected.slice(0, 5).map((r) => r.id));
  });

  it("binds values as parameters, so SQL in a value is just text", async () => {
    const preview = await previewSegment(db, { workspaceId, dataset, filter: and(c("country", "equals", "FR' OR '1'='1")) });
    expect(preview.count).toBe(0);
  });

  it("refuses unknown columns, operators that do not fit the type, and values of the wrong type", () => {
    const problems = (filter: unknown) => {
      const result = filterSchemaFor(dataset.columns).safeParse(filter);
      return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    expect(problems(and(c('email"; DROP TABLE contacts; --', "equals", "x")))).toEqual(['children.0.column: The dataset has no column "email"; DROP TABLE contacts; --"']);
    expect(problems(and(c("orders_count", "contains", "3")))).toEqual(['children.0.operator: "contains" does not apply to the number column "orders_count"']);
    expect(problems(and(c("orders_count", "gt", "3")))).toEqual(["children.0.value: Enter a number"]);
    expect(problems(and(c("birth_date", "before", "31/12/1990")))).toEqual(["children.0.value: Enter a date like 2024-05-31"]);
    expect(problems(and(c("created_at", "in_last_days", -2)))).toEqual(["children.0.value: Enter a whole number of days"]);
    expect(problems(and(c("total_spent", "between", [1])))).toEqual(["children.0.value: Enter a lower and an upper bound"]);
    expect(problems(and(c("country", "is_empty", "x")))).toEqual(['children.0.value: "is empty" takes no value']);
    expect(problems({ type: "group", combinator: "xor", children: [] })[0]).toMatch(/^combinator: /);
  });

  it("a condition whose operator takes a value is refused without one: empty or blank text, an empty list, a missing bound", () => {
    const problems = (condition: Condition) => {
      const result = filterSchemaFor(dataset.columns).safeParse(and(c("country", "equals", "FR"), condition));
      return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    const missing = (path = "children.1.value") => [`${path}: Enter a value, or pick “is empty” to match rows without one`];
    for (const operator of ["equals", "not_equals", "contains", "not_contains", "starts_with", "ends_with"] as const) {
      expect(problems(c("email", operator, "")), operator).toEqual(missing());
      expect(problems(c("email", operator, "  \t ")), operator).toEqual(missing());
      expect(problems(c("email", operator)), operator).toEqual(missing());
      expect(problems(c("email", operator, null)), operator).toEqual(missing());
    }
    expect(problems(c("country", "is_one_of", []))).toEqual(missing());
    expect(problems(c("country", "is_one_of", ["", " "]))).toEqual(missing());
    expect(problems(c("country", "is_one_of", ["FR", " "]))).toEqual(["children.1.value: Value 2 of the list is empty"]);
    for (const operator of ["eq", "neq", "gt", "gte", "lt", "lte"] as const) expect(problems(c("orders_count", operator, "")), operator).toEqual(missing());
    expect(problems(c("total_spent", "between", [100, ""]))).toEqual(["children.1.value: Enter a lower and an upper bound"]);
    expect(problems(c("birth_date", "between", ["", ""]))).toEqual(["children.1.value: Enter a lower and an upper bound"]);
    for (const operator of ["before", "after"] as const) {
      expect(problems(c("birth_date", operator, "")), operator).toEqual(missing());
      expect(problems(c("last_order_at", operator, " ")), operator).toEqual(missing());
    }
    for (const operator of ["in_last_days", "more_than_days_ago"] as const) expect(problems(c("created_at", operator, "")), operator).toEqual(missing());
    expect(problems(c("email", "is_empty"))).toEqual([]);
    expect(problems(c("email", "is_not_empty"))).toEqual([]);
    expect(problems(c("email", "contains", " x "))).toEqual([]);
  });

  it("is empty / is not empty match rows without a value and rows with one, for every type", async () => {
    for (const column of ["phone", "orders_count", "birth_date", "last_order_at"]) {
      const empty = await previewSegment(db, { workspaceId, dataset, filter: and(c(column, "is_empty")) });
      const filled = await previewSegment(db, { workspaceId, dataset, filter: and(c(column, "is_not_empty")) });
      expect(empty.count, column).toBe(rows.filter((r) => r[column] === null || r[column] === "").length);
      expect(empty.count + filled.count, column).toBe(rows.length);
    }
  });

  it("is empty counts text of nothing but spaces or tabs as empty; is not empty does not", async () => {
    const blank = ["c_00001", "c_00002"];
    await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: blank[0]!, phone: "   " }, { id: blank[1]!, phone: "\t " }] });
    const keys = async (operator: Condition["operator"]) => (await previewSegment(db, { workspaceId, dataset, filter: and(c("phone", operator)), limit: 10_000 })).rows.map((r) => r.id);
    const empty = await keys("is_empty");
    for (const id of blank) expect(empty).toContain(id);
    expect(await keys("is_not_empty")).not.toEqual(expect.arrayContaining([blank[0]]));
  });

  it("saves named quick filters per dataset", async () => {
    const filter = and(c("country", "equals", "FR"));
    await saveSegment(db, { workspaceId, dataset, name: "French", filter });
    await saveSegment(db, { workspaceId, dataset, name: "French", filter: and(c("country", "equals", "FR"), c("orders_count", "gt", 0)) });
    const saved = await listSegments(db, { workspaceId, datasetId: dataset.id });
    expect(saved.map((s) => [s.name, (s.filter as FilterGroup).children.length])).toEqual([["French", 2]]);
    await expect(saveSegment(db, { workspaceId, dataset, name: "Bad", filter: and(c("nope", "equals", "x")) })).rejects.toThrow(/no column "nope"/);
    await expect(saveSegment(db, { workspaceId, dataset, name: "Blank", filter: and(c("country", "equals", "")) })).rejects.toThrow(/filter\.children\.0\.value: Enter a value/);
  });
});
