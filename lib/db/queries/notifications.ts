import "server-only";
import { and, desc, eq, inArray } from "drizzle-orm";
import { NotFoundError } from "@/lib/errors";
import type { Db } from "../client";
import { type NotificationChannel, notificationChannels, notificationDeliveries, syncs } from "../schema";

/** What a channel shows: never the Slack URL's token or the webhook's secret. */
export function publicChannel(c: NotificationChannel) {
  const settings = c.settings as { recipients?: string[]; url?: string; slackHost?: string };
  const target = c.kind === "email" ? (settings.recipients ?? []).join(", ") : c.kind === "webhook" ? (settings.url ?? "") : `${settings.slackHost ?? "Slack"} (incoming webhook)`;
  return { id: c.id, kind: c.kind, name: c.name, target, createdAt: c.createdAt.toISOString() };
}

export type PublicChannel = ReturnType<typeof publicChannel>;

export async function insertChannel(db: Db, p: { workspaceId: string; kind: NotificationChannel["kind"]; name: string; settings: Record<string, unknown>; secrets: string | null }) {
  const [created] = await db.insert(notificationChannels).values(p).returning();
  return created!;
}

export const listChannels = async (db: Db, p: { workspaceId: string }) =>
  (await db.query.notificationChannels.findMany({ where: eq(notificationChannels.workspaceId, p.workspaceId), orderBy: notificationChannels.name })).map(publicChannel);

export async function requireChannel(db: Db, p: { workspaceId: string; channelId: string }) {
  const row = await db.query.notificationChannels.findFirst({ where: and(eq(notificationChannels.id, p.channelId), eq(notificationChannels.workspaceId, p.workspaceId)) });
  if (!row) throw new NotFoundError("Channel");
  return row;
}

/** Removes the channel and its deliveries, and takes it out of every sync's alert rules. */
export async function deleteChannel(db: Db, p: { workspaceId: string; channelId: string }) {
  const row = await requireChannel(db, p);
  await db.transaction(async (tx) => {
    const using = await tx.query.syncs.findMany({ where: eq(syncs.workspaceId, p.workspaceId), columns: { id: true, alerts: true } });
    for (const sync of using) {
      const alerts = sync.alerts as { channelIds?: string[] } | null;
      if (alerts?.channelIds?.includes(row.id)) await tx.update(syncs).set({ alerts: { ...alerts, channelIds: alerts.channelIds.filter((id) => id !== row.id) } }).where(eq(syncs.id, sync.id));
    }
    await tx.delete(notificationChannels).where(eq(notificationChannels.id, row.id));
  });
  return publicChannel(row);
}

/** The latest deliveries of the workspace, newest first, with their attempts. */
export async function recentDeliveries(db: Db, p: { workspaceId: string; limit?: number }) {
  const rows = await db
    .select({ delivery: notificationDeliveries, channelName: notificationChannels.name, channelKind: notificationChannels.kind })
    .from(notificationDeliveries)
    .innerJoin(notificationChannels, eq(notificationChannels.id, notificationDeliveries.channelId))
    .where(eq(notificationDeliveries.workspaceId, p.workspaceId))
    .orderBy(desc(notificationDeliveries.createdAt))
    .limit(p.limit ?? 50);
  return rows.map(({ delivery: d, channelName, channelKind }) => ({
    id: d.id,
    channel: channelName,
    channelKind,
    event: d.event,
    rule: d.rule,
    subject: d.subject,
    syncId: d.syncId,
    runId: d.runId,
    status: d.status,
    attempts: d.attempts,
    createdAt: d.createdAt.toISOString(),
    sentAt: d.sentAt?.toISOString() ?? null,
  }));
}

export type DeliveryView = Awaited<ReturnType<typeof recentDeliveries>>[number];

/** Which of these channel ids the workspace has. */
export const knownChannelIds = async (db: Db, p: { workspaceId: string; channelIds: string[] }) =>
  (await db.query.notificationChannels.findMany({ where: and(eq(notificationChannels.workspaceId, p.workspaceId), inArray(notificationChannels.id, p.channelIds)), columns: { id: true } })).map((c) => c.id);
