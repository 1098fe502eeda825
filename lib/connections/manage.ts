import "server-only";
import { type Actor, audit } from "@/lib/audit";
import type { Db } from "@/lib/db/client";
import { deleteConnection, requireConnection } from "@/lib/db/queries/connections";
import { type ConnectionInput, createConnection, updateConnection } from "./save";

type Who = { workspaceId: string; actor: Actor };

export async function addConnection(db: Db, p: Who & ConnectionInput) {
  const created = await createConnection(db, p);
  await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "connection.created", target: { type: "connection", id: created.id, name: created.name } });
  return created;
}

/** Changes a connection (secrets left out are kept, unless where it points changed); `fields` names what the caller changed, for the audit trail. */
export async function changeConnection(db: Db, p: Who & { connectionId: string; fields?: string[] } & Partial<Omit<ConnectionInput, "connector">>) {
  const updated = await updateConnection(db, p);
  await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "connection.updated", target: { type: "connection", id: updated.id, name: updated.name }, details: p.fields && { fields: p.fields } });
  return updated;
}

/** Deletes a connection that no sync uses (409 otherwise). */
export async function removeConnection(db: Db, p: Who & { connectionId: string }) {
  const { name } = await requireConnection(db, p);
  await deleteConnection(db, p);
  await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "connection.deleted", target: { type: "connection", id: p.connectionId, name } });
}
