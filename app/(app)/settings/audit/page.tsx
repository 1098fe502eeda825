import { Card } from "@/components/ui/card";
import { DateTime } from "@/components/ui/date-time";
import { PageHeader } from "@/components/ui/page-header";
import { SettingsNav } from "@/components/settings/settings-nav";
import { Table, Td, Th } from "@/components/ui/table";
import { listAuditEvents } from "@/lib/audit";
import { requirePageMember } from "@/lib/auth/session";
import { describeAuditAction } from "@/lib/vocabulary";

export const metadata = { title: "Audit log" };

export default async function AuditPage() {
  const { db, workspaceId, role } = await requirePageMember("viewAudit");
  const events = await listAuditEvents(db, { workspaceId, limit: 200 });
  return (
    <>
      <PageHeader title="Settings" description="Who created, changed, ran or deleted what, and when." />
      <SettingsNav role={role} current="/settings/audit" />
      <Card>
        {events.length === 0 ? (
          <p className="p-6 text-sm text-zinc-500">Nothing has been recorded yet.</p>
        ) : (
          <Table aria-label="Audit log">
            <thead>
              <tr>
                <Th>When</Th>
                <Th>Who</Th>
                <Th>What</Th>
                <Th>Target</Th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <Td className="tabular-nums">
                    <DateTime value={e.at.toISOString()} />
                  </Td>
                  <Td>{e.actorLabel}</Td>
                  <Td title={e.action}>
                    {describeAuditAction(e.action)}
                    {e.details?.imported === true && <span className="text-zinc-500"> (imported)</span>}
                  </Td>
                  <Td>
                    {e.targetType} {e.targetName && <span className="text-zinc-500">“{e.targetName}”</span>}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </>
  );
}
