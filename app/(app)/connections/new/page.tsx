import Link from "next/link";
import { ConnectionEditor } from "@/components/connections/connection-editor";
import { ConnectorLogo } from "@/components/connections/connector-logo";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { connectorConfigs } from "@/connectors/manifests";
import type { ConnectorManifest } from "@/connectors/types";
import { requirePageMember } from "@/lib/auth/session";

export const metadata = { title: "Add a connection" };

const categories: [ConnectorManifest["category"], string][] = [
  ["crm", "CRM"],
  ["email", "Email and marketing"],
  ["support", "Support"],
  ["ads", "Ad audiences"],
  ["database", "Databases"],
  ["file", "Files"],
  ["api", "Any API"],
];

export default async function NewConnectionPage({ searchParams }: { searchParams: Promise<{ connector?: string }> }) {
  await requirePageMember("manageConnections");
  const { connector } = await searchParams;
  if (connector && connectorConfigs[connector])
    return (
      <>
        <PageHeader title={`Add a ${connectorConfigs[connector].manifest.name} connection`} description={connectorConfigs[connector].manifest.description} />
        <ConnectionEditor connector={connector} />
      </>
    );
  return (
    <>
      <PageHeader title="Add a connection" description="Pick the kind of destination." />
      <div className="flex max-w-4xl flex-col gap-6">
        {categories.map(([category, title]) => {
          const ids = Object.entries(connectorConfigs).filter(([, c]) => c.manifest.category === category);
          return (
            ids.length > 0 && (
              <section key={category} aria-labelledby={`category-${category}`}>
                <h2 id={`category-${category}`} className="mb-2 text-sm font-medium text-zinc-600">
                  {title}
                </h2>
                <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" aria-label={title}>
                  {ids.map(([id, { manifest }]) => (
                    <li key={id}>
                      <Link href={`/connections/new?connector=${id}`} className="block h-full">
                        <Card className="h-full p-4 hover:border-zinc-400">
                          <p className="flex items-center gap-2 font-medium">
                            <ConnectorLogo connector={id} />
                            {manifest.name}
                          </p>
                          <p className="mt-1 text-sm text-zinc-500">{manifest.description}</p>
                        </Card>
                      </Link>
                    </li>
                  ))}
                </ul>
              </section>
            )
          );
        })}
      </div>
    </>
  );
}
