import { NotificationsPanel } from "@/components/settings/notifications-panel";
import { SettingsNav } from "@/components/settings/settings-nav";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageMember } from "@/lib/auth/session";
import { listChannels, recentDeliveries } from "@/lib/db/queries/notifications";
import { smtpConfigured } from "@/lib/notify/mailer";

export const metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  const { db, workspaceId, role } = await requirePageMember("manageNotifications");
  const [channels, deliveries] = await Promise.all([listChannels(db, { workspaceId }), recentDeliveries(db, { workspaceId, limit: 50 })]);
  return (
    <>
      <PageHeader title="Settings" description="Where alerts about failing syncs go. Each sync chooses its channels and rules in its settings." />
      <SettingsNav role={role} current="/settings/notifications" />
      <NotificationsPanel channels={channels} deliveries={deliveries} smtp={smtpConfigured()} />
    </>
  );
}
