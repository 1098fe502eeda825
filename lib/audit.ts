import "server-only";
import { and, desc, eq, lt } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { auditEvents } from "@/lib/db/schema";
import type { AuditAction } from "@/lib/vocabulary";

export type Actor = { type: "user" | "api_key" | "system"; id?: string; label: string };

/** Records who created, changed, ran or deleted what. */
export async function audit(
  db: Db,
  p: { workspaceId: string; actor: Actor; action: AuditAction; target: { type: string; id?: string; name?: string }; details?: Record<string, unknown> },
) {
  await db.insert(auditEvents).values({
    workspaceId: p.workspaceId,
    actorType: p.actor.type,
    actorId: p.actor.id,
    actorLabel: p.actor.label,
    action: p.action,
    targetType: p.target.type,
    targetId: p.target.id,
    targetName: p.target.name,
    details: p.details,
  });
}

export const listAuditEvents = (db: Db, p: { workspaceId: string; before?: number; limit?: number }) =>
  db.query.auditEvents.findMany({
    where: and(eq(auditEvents.workspaceId, p.workspaceId), p.before ? lt(auditEvents.id, p.before) : undefined),
    orderBy: desc(auditEvents.id),
    limit: p.limit ?? 50,
  });
