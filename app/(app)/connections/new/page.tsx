import Link from "next/link";
import { ConnectionEditor } from "@/components/connections/connection-editor";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { connectorConfigs } from "@/connectors/manifests";
import { requirePageMember } from "@/lib/auth/session";

export const metadata = { title: "Add a connection" };

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
      <ul className="grid max-w-4xl gap-3 sm:grid-cols-2 lg:grid-cols-3" aria-label="Destinations">
        {Object.entries(connectorConfigs).map(([id, { manifest }]) => (
          <li key={id}>
            <Link href={`/connections/new?connector=${id}`} className="block h-full">
              <Card className="h-full p-4 hover:border-zinc-400">
                <p className="font-medium">{manifest.name}</p>
                <p className="mt-1 text-sm text-zinc-500">{manifest.description}</p>
              </Card>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
