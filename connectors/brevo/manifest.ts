import type { ConnectorManifest } from "../types";

export const brevoManifest: ConnectorManifest = {
  id: "brevo",
  name: "Brevo",
  category: "email",
  description: "Contacts (with their attributes and list membership: those that leave are taken off the lists) and e-commerce products in Brevo, formerly Sendinblue, through its API v3.",
  objectNoun: "object",
  // Updates go 100 contacts per POST /contacts/batch; creates are one call each (Brevo has no batch create with per-contact results).
  batchSize: 100,
  // /v3/contacts/* on the General plan: 10 requests a second (36,000 an hour).
  defaultRateLimit: { windowSeconds: 1, maxRequests: 10 },
  // Email, ext_id and SMS are unique in Brevo: a replayed create is refused as a duplicate and becomes an update; products upsert by id.
  idempotentWrites: true,
  results: "record",
  modes: ["incremental", "full", "replace"],
  replace: "read_back",
  // Leaving takes a contact off the connection's lists, or deletes it (setting onLeave); a product gets deletedAt.
  onLeaveDelete: true,
  replaceStrategies: [],
  endpointSettings: ["apiBaseUrl"],
  // Brevo keeps emails in lower case and matches them without case; ext_id and SMS are kept and matched as written.
  keyComparison: { default: "exact", fields: { "contacts.email": "case_insensitive" } },
};
