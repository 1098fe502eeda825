import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { SettingsNav } from "@/components/settings/settings-nav";
import { Table, Td, Th } from "@/components/ui/table";
import { listAuditEvents } from "@/lib/audit";
import { requirePageMember } from "@/lib/auth/session";

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
                  <Td className="tabular-nums">{e.at.toISOString().replace("T", " ").slice(0, 19)} UTC</Td>
                  <Td>{e.actorLabel}</Td>
                  <Td>
                    <code>{e.action}</code>
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
