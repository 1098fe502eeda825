import { and, asc, eq, gt, isNull } from "drizzle-orm";
import { PageHeader } from "@/components/ui/page-header";
import { MembersPanel } from "@/components/settings/members-panel";
import { SettingsNav } from "@/components/settings/settings-nav";
import { requirePageMember } from "@/lib/auth/session";
import { lockedEmails } from "@/lib/auth/sign-in-guard";
import { invitations, memberships, users } from "@/lib/db/schema";
import { smtpConfigured } from "@/lib/notify/mailer";

export const metadata = { title: "Members" };

export default async function MembersPage() {
  const { db, workspaceId, userId, role } = await requirePageMember("manageMembers");
  const members = await db
    .select({ userId: users.id, name: users.name, email: users.email, role: memberships.role, owner: memberships.owner })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(asc(memberships.createdAt));
  const pending = await db
    .select({ id: invitations.id, email: invitations.email, role: invitations.role, expiresAt: invitations.expiresAt })
    .from(invitations)
    .where(and(eq(invitations.workspaceId, workspaceId), isNull(invitations.acceptedAt), gt(invitations.expiresAt, new Date())));
  const locked = await lockedEmails(db, members.map((m) => m.email));
  return (
    <>
      <PageHeader title="Settings" description="Who can see and change this workspace." />
      <SettingsNav role={role} current="/settings/members" />
      <MembersPanel
        members={members.map((m) => ({ ...m, you: m.userId === userId, lockedUntil: locked.get(m.email)?.toISOString() }))}
        invitations={pending.map((i) => ({ ...i, expiresAt: i.expiresAt.toISOString() }))}
        emailing={smtpConfigured()}
      />
    </>
  );
}
