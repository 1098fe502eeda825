import { describe, expect, it } from "vitest";
import { salesforceFields, salesforceValue } from "./values";

const value = (type: string, v: unknown) => salesforceValue(type, v);

describe("values as Salesforce reads them, by describe type", () => {
  it("dates as YYYY-MM-DD, date-times as ISO 8601 in UTC", () => {
    expect(value("date", "1985-03-02")).toEqual({ value: "1985-03-02" });
    expect(value("date", "1985-03-02T23:30:00-05:00")).toEqual({ value: "1985-03-02" });
    expect(value("date", 0)).toEqual({ value: "1970-01-01" });
    expect(value("date", "02/03/1985")).toEqual({ problem: 'takes a date as YYYY-MM-DD, not "02/03/1985"' });
    expect(value("date", "2024-02-30")).toMatchObject({ problem: expect.any(String) });
    expect(value("datetime", "2024-05-01 08:30")).toEqual({ value: "2024-05-01T08:30:00.000Z" });
    expect(value("datetime", "2024-05-01T08:30:15.5+0200")).toEqual({ value: "2024-05-01T06:30:15.500Z" });
    expect(value("datetime", "2024-05-01T08:30:00+05")).toEqual({ value: "2024-05-01T03:30:00.000Z" });
    expect(value("datetime", "2024-05-01")).toEqual({ value: "2024-05-01T00:00:00.000Z" });
    expect(value("datetime", 1_714_552_200)).toEqual({ value: "2024-05-01T08:30:00.000Z" });
    expect(value("datetime", 1_714_552_200_000)).toEqual({ value: "2024-05-01T08:30:00.000Z" });
    expect(value("datetime", "yesterday")).toMatchObject({ problem: expect.stringContaining('not "yesterday"') });
  });

  it("numbers as JSON numbers; what is not a number is refused, not sent", () => {
    expect(value("double", " 7.5 ")).toEqual({ value: 7.5 });
    expect(value("currency", "1e3")).toEqual({ value: 1000 });
    expect(value("percent", -3)).toEqual({ value: -3 });
    expect(value("int", "12")).toEqual({ value: 12 });
    expect(value("int", "3.5")).toEqual({ problem: 'takes a whole number, not "3.5"' });
    expect(value("double", "n/a")).toEqual({ problem: 'takes a number, not "n/a"' });
    expect(value("double", "1,5")).toMatchObject({ problem: expect.any(String) });
    expect(value("long", true)).toEqual({ problem: "takes a number, not true" });
  });

  it("booleans from true/false, yes/no, 1/0; empty strings as null except for text", () => {
    expect(value("boolean", "Yes")).toEqual({ value: true });
    expect(value("boolean", 0)).toEqual({ value: false });
    expect(value("boolean", "false")).toEqual({ value: false });
    expect(value("boolean", "maybe")).toEqual({ problem: 'takes true or false, not "maybe"' });
    for (const type of ["date", "datetime", "double", "int", "boolean", "reference"]) expect(value(type, "")).toEqual({ value: null });
    expect(value("string", "")).toEqual({ value: "" });
    expect(value("email", undefined)).toEqual({ value: null });
  });

  it("text as strings, multi-select picklists joined with ;, ids as strings", () => {
    expect(value("string", 42)).toEqual({ value: "42" });
    expect(value("phone", 33612345678)).toEqual({ value: "33612345678" });
    expect(value("multipicklist", ["Red", "Blue"])).toEqual({ value: "Red;Blue" });
    expect(value("textarea", { a: 1 })).toEqual({ problem: "takes text, not a list or an object" });
    expect(value("reference", "001Hs00000AbCdEIAV")).toEqual({ value: "001Hs00000AbCdEIAV" });
    expect(value("time", "08:30:00.000Z")).toEqual({ value: "08:30:00.000Z" });
  });

  it("a record: every field converted, or one message naming each field Salesforce could not read", () => {
    const types = { relay_id__c: "string", score__c: "double", birthdate: "date" };
    expect(salesforceFields({ Relay_Id__c: 7, Score__c: "42", Birthdate: "" }, types)).toEqual({ fields: { Relay_Id__c: "7", Score__c: 42, Birthdate: null } });
    expect(salesforceFields({ Relay_Id__c: "a", Score__c: "lots", Birthdate: "soon" }, types)).toEqual({
      problem: 'Not sent to Salesforce: Score__c (double) takes a number, not "lots"; Birthdate (date) takes a date as YYYY-MM-DD, not "soon"',
    });
    // A run begun before the types were kept sends the values as mapped.
    expect(salesforceFields({ Score__c: "lots" }, undefined)).toEqual({ fields: { Score__c: "lots" } });
  });
});
