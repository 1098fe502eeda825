import "server-only";
import { loadConnection } from "@/lib/connections/load";
import type { DatabaseSecrets, DatabaseSettings } from "@/connectors/shared/database-config";
import type { Db } from "@/lib/db/client";
import { requireSource } from "@/lib/db/queries/sources";
import { PublicError } from "@/lib/errors";
import { isOneOf } from "@/lib/vocabulary";
import { fileSourceConnectors, sourceConnectors } from "./schema";
import { openSourceSession, type SourceSession } from "./session";
import type { Dialect } from "./sql-guard";

const dialectOf = { postgres: "postgres", mysql: "mysql" } as const satisfies Record<Exclude<(typeof sourceConnectors)[number], (typeof fileSourceConnectors)[number]>, Dialect>;

/** A read-only session on the source's database, with the connection's own decrypted credentials. */
export async function openSource(db: Db, p: { workspaceId: string; sourceId: string }): Promise<SourceSession> {
  const source = await requireSource(db, p);
  const { row, config } = await loadConnection(db, { workspaceId: p.workspaceId, connectionId: source.connectionId });
  if (isOneOf(fileSourceConnectors, row.connector)) throw new PublicError(`"${source.name}" is a folder of files: an import from it names a folder and a file name pattern, not a table or query`);
  if (!isOneOf(sourceConnectors, row.connector)) throw new PublicError(`A ${row.connector} connection cannot be read as a source`);
  const endpoint = { settings: config.settings as DatabaseSettings, secrets: config.secrets as DatabaseSecrets };
  try {
    return await openSourceSession(dialectOf[row.connector as keyof typeof dialectOf], endpoint);
  } catch (error) {
    throw new PublicError(`Could not open the source "${source.name}": ${(error as Error).message}`);
  }
}
