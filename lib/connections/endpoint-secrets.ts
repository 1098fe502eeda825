import "server-only";
import type { ConnectionConfig, Connector } from "@/connectors/types";
import { parseWith, ValidationError } from "@/lib/errors";

/** Left-out and empty fields of a secrets form are "not typed", never "clear the stored value". */
const typedOnly = (secrets: Record<string, unknown> | undefined) => Object.fromEntries(Object.entries(secrets ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== ""));

/**
 * The one rule for every path that uses a stored connection's secrets with settings from a user (test,
 * save, REST): the secrets typed now, or else the stored ones — but only while the connection still points
 * where they were entered for (the connector's `endpointSettings`). Otherwise they must be typed again.
 */
export function secretsFor(connector: Connector, stored: ConnectionConfig, p: { settings: Record<string, unknown>; secrets?: Record<string, unknown> }) {
  const moved = connector.manifest.endpointSettings.some((key) => JSON.stringify(p.settings[key]) !== JSON.stringify(stored.settings[key]));
  const typed = typedOnly(p.secrets);
  if (Object.keys(typed).length) return { secrets: parseWith(connector.secretsSchema, typed, "The secrets do not fit") as Record<string, unknown>, typed: true, moved };
  if (moved && Object.keys(typedOnly(stored.secrets)).length) throw new ValidationError({ secrets: ["Enter the secrets again: the connection now points elsewhere"] });
  return { secrets: stored.secrets, typed: false, moved };
}
