import type { ConnectorManifest } from "../types";

export const zendeskManifest: ConnectorManifest = {
  id: "zendesk",
  name: "Zendesk Support",
  category: "support",
  description: "Create, update and delete Zendesk Support users and organizations, matched on external ID, email or organization name.",
  objectNoun: "object",
  // Bulk arrays (create_or_update_many, destroy_many) take at most 100 records.
  batchSize: 100,
  // The Team plan's 200 requests per minute, the lowest of the current plans: raise it to your plan's.
  defaultRateLimit: { windowSeconds: 60, maxRequests: 200 },
  // Users go through create_or_update (matched on email / external_id), organizations by id, external_id or name: replays find the record.
  idempotentWrites: true,
  results: "record",
  modes: ["incremental", "full", "replace"],
  replace: "read_back",
  onLeaveDelete: true,
  replaceStrategies: [],
  endpointSettings: ["subdomain", "apiBaseUrl"],
  // Zendesk matches emails, external IDs and organization names without case, and keeps emails in lower case.
  keyComparison: { default: "case_insensitive" },
};
