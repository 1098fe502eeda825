import type { ConnectorManifest } from "../types";

export const metaAudiencesManifest: ConnectorManifest = {
  id: "meta-audiences",
  name: "Meta custom audiences",
  category: "ads",
  description: "Add and remove people in Facebook and Instagram customer-list audiences, matched on identifiers hashed (SHA-256) before they leave the app.",
  objectNoun: "audience",
  // Meta takes at most 10,000 rows per request.
  batchSize: 10_000,
  // The Custom Audience budget of an ad account with standard access: 5,000 calls an hour plus 40 per active audience.
  defaultRateLimit: { windowSeconds: 3_600, maxRequests: 5_000 },
  // An audience is a set: adding someone twice or removing someone absent changes nothing.
  idempotentWrites: true,
  // Meta answers each request with counts and samples of invalid rows, not a result per person.
  results: "batch",
  modes: ["incremental", "replace"],
  replace: "audience",
  onLeaveDelete: true,
  replaceStrategies: [],
  endpointSettings: ["apiBaseUrl"],
};
