import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { importRuns, imports } from "@/lib/db/schema";
import { PublicError } from "@/lib/errors";
import { RunGoneError } from "@/lib/sync/context";
import { importInputOf } from "./manage";
import { type ImportProgress, importInputSchema, importProgressSchema, positionSchema } from "./schema";

/** Everything a step of an import run needs, read fresh (steps may run in another process than the one before). */
export async function loadImportRun(db: Db, runId: string) {
  const run = await db.query.importRuns.findFirst({ where: eq(importRuns.id, runId) });
  if (!run) throw new RunGoneError(`Run ${runId} no longer exists`);
  const found = await db.query.imports.findFirst({ where: eq(imports.id, run.importId) });
  if (!found) throw new RunGoneError(`The import of run ${runId} no longer exists`);
  const parsed = importInputSchema.safeParse(importInputOf(found));
  if (!parsed.success) throw new PublicError(`The import's settings cannot be used: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}. Fix them in the import's settings.`);
  const progress: ImportProgress | undefined = run.progress ? importProgressSchema.parse(run.progress) : undefined;
  const cursor = found.cursor ? positionSchema.parse(found.cursor) : undefined;
  return { run, imp: found, config: parsed.data, progress, cursor };
}

export type LoadedImportRun = Awaited<ReturnType<typeof loadImportRun>>;
