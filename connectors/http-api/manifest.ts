import type { ConnectorManifest } from "../types";

export const httpApiManifest: ConnectorManifest = {
  id: "http-api",
  name: "HTTP API",
  category: "api",
  description: "Create, update and delete records through any REST API: your own service, or a tool without a dedicated connector.",
  objectNoun: "resource",
  batchSize: 100,
  // Creates carry an Idempotency-Key when configured, and duplicates are resolved to updates: replays create no second record.
  idempotentWrites: true,
  results: "record",
  modes: ["incremental", "full", "replace"],
  replace: "read_back",
  onLeaveDelete: true,
  replaceStrategies: [],
  endpointSettings: ["baseUrl", "auth", "authHeader"],
};
