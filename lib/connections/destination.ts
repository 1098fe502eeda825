import "server-only";
import { DestinationConfigError } from "@/connectors/types";
import type { Db } from "@/lib/db/client";
import { PublicError } from "@/lib/errors";
import { connectorContext } from "@/lib/http/context";
import { loadConnection } from "./load";

/** A live read of the destination: its configuration errors name what is missing (404), anything else is a destination that did not answer (502). */
async function reach<T>(work: () => Promise<T>) {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PublicError) throw error;
    if (error instanceof DestinationConfigError) throw new PublicError(error.message, { status: 404 });
    throw new PublicError(`The destination did not answer: ${(error as Error).message}`, { status: 502 });
  }
}

/** The objects a sync can write to (tables, objects, audiences), read live from the destination. */
export async function listDestinationObjects(db: Db, p: { workspaceId: string; connectionId: string }) {
  const { connector, config, permit } = await loadConnection(db, p);
  return reach(() => connector.listObjects(connectorContext(config, { permit })));
}

/** An object's fields (type, required, key), read live from the destination. */
export async function listDestinationFields(db: Db, p: { workspaceId: string; connectionId: string; object: string }) {
  const { connector, config, permit } = await loadConnection(db, p);
  return reach(() => connector.listFields(connectorContext(config, { permit }), p.object));
}
