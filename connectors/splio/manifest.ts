import type { ConnectorManifest } from "../types";

export const splioManifest: ConnectorManifest = {
  id: "splio",
  name: "Splio",
  category: "email",
  description: "Create, update and delete contacts, products and orders in a Splio Customer Platform universe.",
  objectNoun: "object",
  // Contacts go to the bulk create endpoint (up to 1,000); updates, products and orders are one call each.
  batchSize: 200,
  // Splio allows 20 requests per second on data/contacts and data/v{x}/orders|products|stores, per client IP.
  defaultRateLimit: { windowSeconds: 1, maxRequests: 20 },
  // Every record is addressed by its key (contact unique key, external_id); a replayed create meets "already exists" and updates.
  idempotentWrites: true,
  results: "record",
  modes: ["incremental", "full", "replace"],
  replace: "read_back",
  onLeaveDelete: true,
  replaceStrategies: [],
  endpointSettings: ["apiBaseUrl"],
};
