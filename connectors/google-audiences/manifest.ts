import type { ConnectorManifest } from "../types";

export const googleAudiencesManifest: ConnectorManifest = {
  id: "google-audiences",
  name: "Google Ads audiences",
  category: "ads",
  description:
    "Keep a Google Ads Customer Match list in step with a segment through Google's Data Manager API: emails, phones and addresses normalised and SHA-256 hashed before they leave, with consent on every upload.",
  objectNoun: "audience",
  // Google takes at most 10,000 audience members per ingest or remove request.
  batchSize: 10_000,
  // IngestionService: 300 requests a minute per Cloud project (and 100,000 a day).
  defaultRateLimit: { windowSeconds: 60, maxRequests: 300 },
  // Adding a member twice or removing one already gone changes nothing.
  idempotentWrites: true,
  results: "record",
  modes: ["incremental", "full", "replace"],
  replace: "audience",
  onLeaveDelete: true,
  replaceStrategies: [],
  endpointSettings: ["apiBaseUrl", "tokenUrl"],
};
