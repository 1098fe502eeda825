import { describe, expect, it } from "vitest";
import { classify, salesforceLimits, usagePauseMs } from "./answers";

const answer = (status: number, json: unknown, headers: Record<string, string> = {}) => ({ status, headers: new Headers(headers), text: JSON.stringify(json), json });
const failed = (statusCode: string, message: string, fields: string[] = []) => ({ success: false, errors: [{ statusCode, message, fields }] });

describe("Salesforce's per-record results", () => {
  it("read the field and the existing record's id from DUPLICATE_VALUE, the id as 18 characters", () => {
    expect(classify(failed("DUPLICATE_VALUE", "duplicate value found: Relay_Key__c duplicates value on record with id: 00QHs0000Fk2Lmz"))).toEqual({
      kind: "duplicate",
      message: "DUPLICATE_VALUE: duplicate value found: Relay_Key__c duplicates value on record with id: 00QHs0000Fk2Lmz",
      existingId: "00QHs0000Fk2LmzMQE",
      field: "Relay_Key__c",
    });
    expect(classify(failed("DUPLICATE_VALUE", "duplicate value found: Email__c duplicates value on record with id: 003Hs0000Ab1Cd2"))).toMatchObject({ field: "Email__c", existingId: "003Hs0000Ab1Cd2IQE" });
    const unknown = classify(failed("DUPLICATE_VALUE", "duplicate value found: <unknown> duplicates value on record with id: <unknown>"));
    expect(unknown).toMatchObject({ kind: "duplicate", existingId: undefined });
    expect(unknown).not.toHaveProperty("field");
    expect(classify(failed("DUPLICATES_DETECTED", "Use one of these records?"))).toMatchObject({ kind: "duplicate", existingId: undefined });
    expect(classify(failed("DUPLICATE_EXTERNAL_ID", "Account_Key__c: more than one record found for external id field: [001…, 001…]"))).toMatchObject({ kind: "duplicate" });
  });

  it("tell a record that is gone from a reference to a missing record", () => {
    expect(classify(failed("ENTITY_IS_DELETED", "entity is deleted"))).toMatchObject({ kind: "not_found" });
    expect(classify(failed("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id"))).toMatchObject({ kind: "not_found" });
    expect(classify(failed("NOT_FOUND", "The requested resource does not exist", ["Id"]))).toMatchObject({ kind: "not_found" });
    expect(classify(failed("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["AccountId"]))).toEqual({
      kind: "rejected",
      message: "INVALID_CROSS_REFERENCE_KEY: invalid cross reference id (AccountId)",
    });
  });

  it("reject validation errors, and leave transient ones to the next run", () => {
    expect(classify(failed("REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]", ["LastName"]))).toEqual({
      kind: "rejected",
      message: "REQUIRED_FIELD_MISSING: Required fields are missing: [LastName] (LastName)",
    });
    expect(classify(failed("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Country must be set"))).toMatchObject({ kind: "rejected" });
    expect(classify(failed("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record"))).toMatchObject({ kind: "technical" });
    expect(classify({ success: false })).toMatchObject({ kind: "rejected" });
  });
});

describe("Salesforce's limit signals", () => {
  it("stop the run when the daily quota is spent, and wait when the concurrency cap is hit", () => {
    expect(salesforceLimits(answer(403, [{ message: "TotalRequests Limit exceeded.", errorCode: "REQUEST_LIMIT_EXCEEDED" }]))).toEqual({
      exhausted: expect.stringMatching(/^Salesforce's daily API request limit for this org is used up \(TotalRequests Limit exceeded\.\)/),
    });
    expect(salesforceLimits(answer(403, [{ message: "ConcurrentPerOrgLongTxn Limit exceeded.", errorCode: "REQUEST_LIMIT_EXCEEDED" }]))).toEqual({ retryAfterMs: 10_000 });
    expect(salesforceLimits(answer(403, [{ message: "The REST API is not enabled for this Organization.", errorCode: "API_DISABLED_FOR_ORG" }]))).toBeUndefined();
  });

  it("slow down past 90% of the quota, more the closer it gets", () => {
    expect(salesforceLimits(answer(200, [], { "sforce-limit-info": "api-usage=10018/100000" }))).toBeUndefined();
    expect(salesforceLimits(answer(200, [], { "sforce-limit-info": "api-usage=90000/100000" }))).toEqual({ pauseMs: 1_000 });
    expect(usagePauseMs({ used: 95_000, max: 100_000 })).toBe(15_500);
    expect(usagePauseMs({ used: 100_000, max: 100_000 })).toBe(30_000);
    expect(usagePauseMs({ used: 100_200, max: 100_000 })).toBe(30_000);
    expect(salesforceLimits(answer(200, []))).toBeUndefined();
  });
});
