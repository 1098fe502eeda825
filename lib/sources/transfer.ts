import "server-only";
import { z } from "zod";
import { type Actor, audit } from "@/lib/audit";
import type { Db } from "@/lib/db/client";
import { insertImport, listImports, listSources } from "@/lib/db/queries/sources";
import { ValidationError } from "@/lib/errors";
import { text } from "@/lib/validation/text";
import { checkImport, importInputOf, writeImportChange } from "./manage";
import { importFieldsSchema, type ImportConfig } from "./schema";

const exportedImport = importFieldsSchema.omit({ sourceId: true, alerts: true }).extend({ source: z.strictObject({ name: text().min(1), connector: text().min(1) }) });

/** Every import of a workspace, naming its source by its connection's name and connector (never secrets): config as code. */
export const importsDocument = z.strictObject({ version: z.literal(1), exportedAt: z.string().optional(), imports: z.array(exportedImport).max(1_000) });
export type ImportsDocument = z.output<typeof importsDocument>;

/** Every import of the workspace as one document; alerts name this workspace's channels, so they stay behind. */
export async function exportImports(db: Db, { workspaceId }: { workspaceId: string }) {
  const [all, sources] = await Promise.all([listImports(db, { workspaceId }), listSources(db, { workspaceId })]);
  return {
    version: 1 as const,
    exportedAt: new Date().toISOString(),
    imports: all.map((i) => {
      const source = sources.find((s) => s.id === i.sourceId)!;
      return { ...importInputOf(i), sourceId: undefined, alerts: undefined, source: { name: source.name, connector: source.connector } };
    }),
  };
}

/**
 * Creates or updates (by name) the imports of a document, each checked against its source (which must already be
 * a source of this workspace): all or nothing, every problem reported by path, each write audited.
 */
export async function importImports(db: Db, { workspaceId, actor, document }: { workspaceId: string; actor: Actor; document: ImportsDocument }) {
  const [existing, sources] = await Promise.all([listImports(db, { workspaceId }), listSources(db, { workspaceId })]);
  const problems: Record<string, string[]> = {};
  const planned: { id?: string; config: ImportConfig; current?: (typeof existing)[number] }[] = [];
  for (const [i, doc] of document.imports.entries()) {
    const at = `imports.${i}`;
    const source = sources.filter((s) => s.name === doc.source.name && s.connector === doc.source.connector);
    const same = existing.filter((e) => e.name === doc.name);
    if (source.length !== 1) problems[`${at}.source`] = [source.length ? `Several ${doc.source.connector} sources are named "${doc.source.name}"` : `No ${doc.source.connector} source named "${doc.source.name}" in this workspace: mark its connection as a source first`];
    if (same.length > 1) problems[`${at}.name`] = [`Several imports are named "${doc.name}": rename them before importing`];
    if (source.length !== 1 || same.length > 1) continue;
    const input = { ...doc, source: undefined, sourceId: source[0]!.id, alerts: same[0] ? importInputOf(same[0]).alerts : undefined };
    try {
      planned.push({ id: same[0]?.id, current: same[0], config: await checkImport(db, { workspaceId, input: JSON.parse(JSON.stringify(input)) }) });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      for (const [path, messages] of Object.entries(error.fields)) problems[`${at}.${path}`] = messages;
    }
  }
  if (Object.keys(problems).length) throw new ValidationError(problems, "The document does not fit this workspace");
  await db.transaction(async (tx) => {
    for (const { id, config, current } of planned) {
      const saved = current ? await writeImportChange(tx, { workspaceId, current, config }) : await insertImport(tx, { workspaceId, values: config });
      await audit(tx, { workspaceId, actor, action: id ? "import.updated" : "import.created", target: { type: "import", id: saved.id, name: saved.name }, details: { imported: true } });
    }
  });
  return { created: planned.filter((p) => !p.id).length, updated: planned.filter((p) => p.id).length };
}
