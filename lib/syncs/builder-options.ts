import "server-only";
import { datasetColumns } from "@/lib/datasets/definition";
import type { Db } from "@/lib/db/client";
import { listConnections } from "@/lib/db/queries/connections";
import { listDatasets } from "@/lib/db/queries/datasets";
import { listChannels } from "@/lib/db/queries/notifications";

/** What the sync builder picks from: the datasets with their columns, the connections, the notification channels. */
export async function builderOptions(db: Db, p: { workspaceId: string }) {
  const [datasetRows, connectionRows, channelRows] = await Promise.all([listDatasets(db, p), listConnections(db, p), listChannels(db, p)]);
  return {
    datasets: datasetRows.map((d) => ({ id: d.id, name: d.name, columns: datasetColumns(d.definition) })),
    connections: connectionRows.map((c) => ({ id: c.id, name: c.name, connector: c.connector })),
    channels: channelRows.map((c) => ({ id: c.id, name: c.name, kind: c.kind })),
  };
}
