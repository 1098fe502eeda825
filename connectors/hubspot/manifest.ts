import type { ConnectorManifest } from "../types";

export const hubspotManifest: ConnectorManifest = {
  id: "hubspot",
  name: "HubSpot",
  category: "crm",
  description: "Create, update and archive HubSpot contacts, companies, deals and products through the CRM v3 batch API, matched on a unique property.",
  objectNoun: "object",
  // HubSpot's batch endpoints take at most 100 inputs.
  batchSize: 100,
  // The smallest documented budget (Free/Starter apps: 100 requests per 10 s); higher tiers may raise it.
  defaultRateLimit: { windowSeconds: 10, maxRequests: 100 },
  // New records are upserted on the unique match property and known ones updated by id: a replay creates no second record.
  idempotentWrites: true,
  results: "record",
  modes: ["incremental", "full", "replace"],
  replace: "read_back",
  onLeaveDelete: true,
  replaceStrategies: [],
  endpointSettings: ["apiBaseUrl"],
  // HubSpot keeps a contact's email in lower case and matches it without case; other unique properties are kept as written.
  keyComparison: { default: "exact", fields: { "contacts.email": "case_insensitive" } },
};
