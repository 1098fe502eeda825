import "server-only";
import type { ConnectorContext, ReplaceStrategy, RunMode, Sharing, SharingChoices } from "@/connectors/types";
import { loadConnection } from "@/lib/connections/load";
import type { Db } from "@/lib/db/client";
import { connectorContext } from "@/lib/http/context";
import { requireSync, syncsOfConnector } from "@/lib/db/queries/syncs";
import { mappingSchema, matchKeySchema } from "@/lib/mapping/schema";

type Sync = { connectionId: string; object: string; mode: RunMode; replaceStrategy?: string | null; mapping: unknown; matchKey: unknown };

function choicesOf(sync: Sync): SharingChoices {
  const key = matchKeySchema.parse(sync.matchKey).to;
  return { object: sync.object, mode: sync.mode, replaceStrategy: (sync.replaceStrategy as ReplaceStrategy | null) ?? null, key, fields: [key, ...mappingSchema.parse(sync.mapping).map((m) => m.to)] };
}

/** Whether a claim reaches what the other sync writes: the whole object, or a field it writes too. */
const reaches = (claim: NonNullable<Sharing["claim"]>, fields: string[]) => !claim.fields || claim.fields.some((f) => fields.includes(f));

/**
 * Why this sync cannot write where it would: another sync of the workspace writes to the same place
 * (through any connection that reaches it) and one of the two needs it to itself — its runs remove or
 * overwrite what the other wrote (see Connector.sharing). Undefined when it can. `ownClaim`: only whether
 * this sync's own runs would (what a run asks; a sync that merely shares harms no one by running).
 */
export async function sharingProblem(db: Db, p: { workspaceId: string; syncId?: string; sync: Sync; ownClaim?: boolean }): Promise<string | undefined> {
  const { connector, config, permit } = await loadConnection(db, { workspaceId: p.workspaceId, connectionId: p.sync.connectionId });
  if (!connector.sharing) return undefined;
  const choices = choicesOf(p.sync);
  const own = connectorContext(config, { permit });
  const mine = connector.sharing(own, choices);
  const noun = connector.manifest.objectNoun;
  const others = await syncsOfConnector(db, { workspaceId: p.workspaceId, connector: connector.manifest.id, exceptSyncId: p.syncId });
  const contexts = new Map<string, ConnectorContext>([[p.sync.connectionId, own]]);
  const contextOf = async (connectionId: string) => {
    if (!contexts.has(connectionId)) {
      const other = await loadConnection(db, { workspaceId: p.workspaceId, connectionId });
      contexts.set(connectionId, connectorContext(other.config, { permit: other.permit }));
    }
    return contexts.get(connectionId)!;
  };
  for (const other of others) {
    const theirChoices = choicesOf(other);
    const theirs = connector.sharing(await contextOf(other.connectionId), theirChoices);
    if (theirs.place !== mine.place) continue;
    if (mine.claim && reaches(mine.claim, theirChoices.fields))
      return `The sync "${other.name}" also writes to this ${noun}, and ${mine.claim.reason}: give this sync its own ${noun}, or ${mine.claim.remedy}`;
    if (!p.ownClaim && theirs.claim && reaches(theirs.claim, choices.fields)) return `The sync "${other.name}" has this ${noun} to itself: ${theirs.claim.reason}. Pick another ${noun}`;
  }
  return undefined;
}

/** Why a run of a saved sync in `mode` would remove or overwrite what another sync wrote (a replace run of an incremental sync, syncs saved before the rule). */
export async function runSharingProblem(db: Db, p: { workspaceId: string; syncId: string; mode: RunMode }) {
  const sync = await requireSync(db, p);
  return sharingProblem(db, { workspaceId: p.workspaceId, syncId: sync.id, sync: { ...sync, mode: p.mode }, ownClaim: true });
}
