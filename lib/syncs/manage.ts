import "server-only";
import { type Actor, audit } from "@/lib/audit";
import type { Db } from "@/lib/db/client";
import { deleteSync, requireSync } from "@/lib/db/queries/syncs";
import { createSync, updateSync } from "./save";

type Who = { workspaceId: string; actor: Actor };

/** Creates a sync checked against its dataset and destination. */
export async function addSync(db: Db, p: Who & { input: unknown }) {
  const created = await createSync(db, p);
  await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "sync.created", target: { type: "sync", id: created.id, name: created.name } });
  return created;
}

/**
 * Replaces a sync's configuration with `input`, checked again; `fields` names what the caller changed, for the audit trail.
 * A save that changes nothing is neither written nor recorded: `changed` says which it was.
 */
export async function changeSync(db: Db, p: Who & { syncId: string; input: unknown; fields?: string[] }) {
  const { sync, changed } = await updateSync(db, p);
  if (changed) await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "sync.updated", target: { type: "sync", id: sync.id, name: sync.name }, details: p.fields && { fields: p.fields } });
  return { ...sync, changed };
}

/** Deletes a sync with its runs and diff state; the destination's records stay. */
export async function removeSync(db: Db, p: Who & { syncId: string }) {
  const sync = await requireSync(db, p);
  await deleteSync(db, p);
  await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "sync.deleted", target: { type: "sync", id: sync.id, name: sync.name } });
}
