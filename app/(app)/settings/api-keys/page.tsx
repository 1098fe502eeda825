import { PageHeader } from "@/components/ui/page-header";
import { ApiKeysPanel } from "@/components/settings/api-keys-panel";
import { SettingsNav } from "@/components/settings/settings-nav";
import { requirePageMember } from "@/lib/auth/session";
import { listApiKeys } from "@/lib/db/queries/api-keys";

export const metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const { db, workspaceId, role } = await requirePageMember("manageApiKeys");
  const keys = await listApiKeys(db, { workspaceId });
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return (
    <>
      <PageHeader title="Settings" description="Keys for the REST API (Authorization: Bearer <key>). Only a hash of each key is kept." />
      <SettingsNav role={role} current="/settings/api-keys" />
      <ApiKeysPanel keys={keys.map((k) => ({ ...k, createdAt: k.createdAt.toISOString(), lastUsedAt: iso(k.lastUsedAt), revokedAt: iso(k.revokedAt) }))} />
    </>
  );
}
