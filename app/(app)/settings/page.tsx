import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { SettingsNav } from "@/components/settings/settings-nav";
import { roleLabels } from "@/lib/auth/permissions";
import { requirePageMember } from "@/lib/auth/session";

export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  const member = await requirePageMember();
  return (
    <>
      <PageHeader title="Settings" description={`Workspace “${member.workspaceName}”`} />
      <SettingsNav role={member.role} current="/settings" />
      <Card className="max-w-xl">
        <CardHeader title="Your account" />
        <dl className="grid grid-cols-[8rem_1fr] gap-y-2 p-4 text-sm">
          <dt className="text-zinc-500">Name</dt>
          <dd>{member.name}</dd>
          <dt className="text-zinc-500">Email</dt>
          <dd>{member.email}</dd>
          <dt className="text-zinc-500">Role</dt>
          <dd>{roleLabels[member.role]}</dd>
        </dl>
      </Card>
    </>
  );
}
