import "server-only";
import { connectorContext } from "@/lib/http/context";
import type { Db } from "@/lib/db/client";
import { datasetColumns } from "@/lib/datasets/definition";
import { getDataset } from "@/lib/db/queries/datasets";
import { knownChannelIds } from "@/lib/db/queries/notifications";
import { NotFoundError, parseWith, PublicError, ValidationError } from "@/lib/errors";
import { namedFields, validateMapping } from "@/lib/mapping/validate";
import { filterSchemaFor } from "@/lib/segment/schema";
import { type SyncConfig, syncInputSchema } from "@/lib/sync/config";
import { loadConnection } from "@/lib/connections/load";
import { sharingProblem } from "./sharing";

/**
 * Checks a sync against what it names: the dataset's columns, the connector's capabilities and the
 * destination's live fields. Throws a ValidationError listing every problem by path.
 */
export async function checkSync(db: Db, p: { workspaceId: string; input: unknown; syncId?: string }): Promise<SyncConfig> {
  const config = parseWith(syncInputSchema, p.input, "The sync does not fit");
  const problems: Record<string, string[]> = {};
  const add = (path: string, message: string) => (problems[path] ??= []).push(message);

  const dataset = await getDataset(db, { workspaceId: p.workspaceId, datasetId: config.datasetId });
  if (!dataset) throw new ValidationError({ datasetId: ["This workspace has no such dataset"] });
  if (config.filter) {
    const parsed = filterSchemaFor(dataset.columns).safeParse(config.filter);
    if (!parsed.success) for (const i of parsed.error.issues) add(["filter", ...i.path].join("."), i.message);
  }
  const { connector, config: connection, permit } = await loadConnection(db, { workspaceId: p.workspaceId, connectionId: config.connectionId }).catch((e) => {
    throw e instanceof NotFoundError ? new ValidationError({ connectionId: ["This workspace has no such connection"] }) : e;
  });
  const manifest = connector.manifest;
  if (!manifest.modes.includes(config.mode)) add("mode", `${manifest.name} does not support ${config.mode} runs`);
  if (config.onLeave === "delete" && !manifest.onLeaveDelete) add("onLeave", `${manifest.name} cannot delete records`);
  if (config.mode === "replace" && manifest.replaceStrategies.length && !config.replaceStrategy) add("replaceStrategy", "Pick how a replace treats the destination");
  if (config.replaceStrategy && !manifest.replaceStrategies.includes(config.replaceStrategy)) add("replaceStrategy", `${manifest.name} has no ${config.replaceStrategy} strategy`);
  const reaching = connectorContext(connection, { permit });
  const connectionProblem = connector.checkSync?.(reaching, config);
  if (connectionProblem) add("mode", connectionProblem);

  let target;
  try {
    target = connector.findObject ? await connector.findObject(reaching, config.object) : (await connector.listObjects(reaching)).find((o) => o.name === config.object);
  } catch (error) {
    throw new PublicError(`Could not reach the destination to check the sync: ${(error as Error).message}`);
  }
  if (!target) add("object", `The destination has no ${manifest.objectNoun} "${config.object}"`);
  else {
    const fields = target.freeFields ? namedFields([config.matchKey.to, ...config.mapping.map((m) => m.to)]) : await connector.listFields(reaching, config.object);
    // Columns as the definition makes them now: stored ones predate knowing which numbers are whole.
    for (const problem of validateMapping({ mapping: config.mapping, matchKey: config.matchKey, columns: datasetColumns(dataset.definition), fields })) add(problem.path, problem.message);
    const mapped = [config.matchKey.to, ...config.mapping.map((m) => m.to)];
    const replaceProblem = config.replaceStrategy && connector.replaceProblem?.(reaching, fields, mapped, config.replaceStrategy);
    if (replaceProblem) add("replaceStrategy", replaceProblem);
    // Asked of a sync that otherwise fits: whether it may share its object with the other syncs there.
    const shared = Object.keys(problems).length === 0 ? await sharingProblem(db, { workspaceId: p.workspaceId, syncId: p.syncId, sync: config }) : undefined;
    if (shared) add("object", shared);
  }
  if (config.consent && dataset.definition.baseEntity !== "contacts") add("consent", "Consent applies to contacts: pick a dataset of contacts to require it");
  if (config.consent && !manifest.onLeaveDelete) add("consent", `${manifest.name} cannot remove records, so a contact who withdraws consent would stay there`);
  const channelIds = config.alerts?.channelIds ?? [];
  if (channelIds.length) {
    const known = await knownChannelIds(db, { workspaceId: p.workspaceId, channelIds });
    channelIds.forEach((id, i) => known.includes(id) || add(`alerts.channelIds.${i}`, "This workspace has no such notification channel"));
  }
  if (Object.keys(problems).length) throw new ValidationError(problems, "The sync does not fit its dataset or destination");
  return config;
}
