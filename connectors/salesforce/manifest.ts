import type { ConnectorManifest } from "../types";

export const salesforceManifest: ConnectorManifest = {
  id: "salesforce",
  name: "Salesforce",
  category: "crm",
  description:
    "Create, update and delete Contacts, Leads, Accounts and any object with an external ID field, 200 records a call through sObject Collections.",
  objectNoun: "object",
  // sObject Collections take at most 200 records a request.
  batchSize: 200,
  // Salesforce has no per-second limit, only a rolling 24-hour org quota (15,000 calls for Developer orgs,
  // 100,000 and more for paid ones): a connection sending flat out all day stays under the smallest paid quota.
  defaultRateLimit: { windowSeconds: 60, maxRequests: 60 },
  // External ID keys are upserted; a replayed create on a unique key is refused as DUPLICATE_VALUE and becomes an update.
  idempotentWrites: true,
  results: "record",
  modes: ["incremental", "full", "replace"],
  replace: "read_back",
  onLeaveDelete: true,
  replaceStrategies: [],
  endpointSettings: ["myDomainUrl", "loginUrl"],
  // Salesforce matches text external IDs and unique fields ignoring case unless the field was made case-sensitive
  // (its describe's caseSensitive), the setup's default; record Ids are exact.
  keyComparison: { default: "case_insensitive", fields: { "*.Id": "exact" } },
};
