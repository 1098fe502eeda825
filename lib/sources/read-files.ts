import "server-only";
import { eq, sql } from "drizzle-orm";
import type { RemoteFiles } from "@/connectors/shared/csv-file";
import type { Db } from "@/lib/db/client";
import { importFiles, importRejects, importRuns } from "@/lib/db/schema";
import { commitRowsPage } from "./commit";
import type { LoadedImportRun } from "./context";
import { fileSha256, filePath, matchingFiles, openCsvFile, openFileSource, type RemoteFile } from "./files";
import { type LandedRow, landingRuleOf, rowLander } from "./rows";
import { cancelAsked } from "./run-state";
import type { FileRead, ImportProgress } from "./schema";

type Options = { pageSize: number; budgetMs: number };
type Outcome = { done: boolean; cancelled: boolean };
type Reader = {
  db: Db;
  ctx: LoadedImportRun;
  read: FileRead;
  remote: RemoteFiles;
  opts: Options;
  started: number;
  land: (row: Record<string, unknown>) => LandedRow;
  /** The progress as committed; each commit moves it on. */
  progress: ImportProgress;
  stored: ImportProgress | undefined;
};

/** At most this many bad lines of a refused file are logged one by one (the count says how many there were). */
const MAX_REPORTED = 200;

/** Commits a page of a file: its rows, where reading stands, and `also` in the same transaction. */
async function commit(r: Reader, landed: LandedRow[], rows: ImportProgress["rows"], also?: (tx: Db) => Promise<unknown>) {
  const to = { ...r.progress, rows };
  await commitRowsPage(r.db, r.ctx, { from: r.stored, to, landed, also });
  r.progress = r.stored = to;
}

/** Remembers a file as taken (imported or refused), by name + size + checksum. */
const rememberFile = (r: Reader, file: RemoteFile, p: { sha256: string; status: "imported" | "refused"; lines: number }) => (tx: Db) =>
  tx
    .insert(importFiles)
    .values({ workspaceId: r.ctx.run.workspaceId, importId: r.ctx.imp.id, name: file.name, size: file.size, sha256: p.sha256, status: p.status, runId: r.ctx.run.id, lines: p.lines })
    .onConflictDoNothing();

const stopHere = async (r: Reader): Promise<Outcome | undefined> => {
  if (await cancelAsked(r.db, r.ctx.run.id)) return { done: false, cancelled: true };
  if (Date.now() - r.started > r.opts.budgetMs) return { done: false, cancelled: false };
  return undefined;
};

/** A landed line's problem names its line. */
const atLine = (line: number, landed: LandedRow): LandedRow => (landed.ok ? landed : { ...landed, message: `Line ${line}: ${landed.message}` });

/** The columns an import needs that the file's header lacks. */
const missingColumns = (r: Reader, header: string[]) => [...new Set([r.ctx.config.keyColumn, ...r.ctx.config.mapping.map((m) => m.column)])].filter((c) => !header.includes(c));

/**
 * Imports one file from `fromLine` on (0: the whole file), page by page: each page commits its rows with the file's
 * last line read, so a resumed step goes on after it; the last page marks the file taken in the same transaction.
 * A header without the import's columns refuses the file.
 */
async function importFile(r: Reader, file: RemoteFile, fromLine: number): Promise<Outcome | "imported" | "refused"> {
  const csv = await openCsvFile(r.remote, filePath(r.read, file.name));
  try {
    const missing = missingColumns(r, csv.header);
    const problem = csv.headerProblem ?? (missing.length ? `The file has no column ${missing.map((c) => `"${c}"`).join(", ")}` : undefined);
    if (problem) {
      for await (const line of csv.lines) void line;
      await refuseFile(r, file, { sha256: csv.sha256(), reason: problem, problems: [] });
      return "refused";
    }
    let landed: LandedRow[] = [];
    let last = fromLine;
    for await (const line of csv.lines) {
      if (line.line <= fromLine) continue;
      landed.push("error" in line ? { ok: false, key: null, kind: "malformed_line", message: `Line ${line.line}: ${line.error}` } : atLine(line.line, r.land(line.row)));
      last = line.line;
      if (landed.length < r.opts.pageSize) continue;
      await commit(r, landed, { ...r.progress.rows, file: { name: file.name, size: file.size, line: last } });
      landed = [];
      const stop = await stopHere(r);
      if (stop) return stop;
    }
    await commit(r, landed, { after: { key: file.name }, done: false }, rememberFile(r, file, { sha256: csv.sha256(), status: "imported", lines: last }));
    return "imported";
  } finally {
    csv.close();
  }
}

/** Reads a file whole to find its lines that would be rejected (unreadable, or refused by the entity's types). */
async function scanFile(r: Reader, file: RemoteFile) {
  const csv = await openCsvFile(r.remote, filePath(r.read, file.name));
  try {
    const problems: LandedRow[] = [];
    let bad = 0;
    for await (const line of csv.lines) {
      const landed = "error" in line ? ({ ok: false, key: null, kind: "malformed_line", message: `Line ${line.line}: ${line.error}` } as const) : atLine(line.line, r.land(line.row));
      if (landed.ok) continue;
      bad++;
      if (problems.length < MAX_REPORTED) problems.push(landed);
    }
    return { bad, problems, sha256: csv.sha256() };
  } finally {
    csv.close();
  }
}

/**
 * Refuses a file: its problems and why go to the record log, and it is remembered as refused. Nothing of it lands,
 * or (a file found broken midway) only the lines up to `importedTo`, committed before.
 */
async function refuseFile(r: Reader, file: RemoteFile, p: { sha256: string; reason: string; problems: LandedRow[]; importedTo?: number }) {
  const what = p.importedTo ? `${file.name} was refused after line ${p.importedTo} (the lines up to it were imported)` : `${file.name} was refused, nothing from it was imported`;
  const summary: LandedRow = { ok: false, key: null, kind: "file_refused", message: `${what}: ${p.reason}` };
  await commit(r, [...p.problems, summary], { after: { key: file.name }, done: false }, rememberFile(r, file, { sha256: p.sha256, status: "refused", lines: 0 }));
}

/** A file whose bytes cannot be read as what its name says (a .gz that is not gzip, or cut short): refused, not retried. */
const brokenFile = (error: unknown) => /^Z_/.test(String((error as { code?: unknown }).code ?? ""));

/** Refuses a file found broken while it was read, keeping what its committed pages imported. */
async function refuseBrokenFile(r: Reader, file: RemoteFile, error: Error) {
  const reading = r.progress.rows.file;
  const importedTo = reading?.name === file.name && reading.size === file.size ? reading.line : 0;
  const sha256 = await fileSha256(r.remote, filePath(r.read, file.name));
  await refuseFile(r, file, { sha256, reason: `it could not be read (${error.message})`, problems: [], importedTo });
}

/** Moves an imported file to `processed/` beside it; a move that fails is logged on the run, the import stands. */
async function moveProcessed(r: Reader, file: RemoteFile) {
  const processed = filePath(r.read, "processed");
  try {
    await r.remote.makeFolder(processed);
    await r.remote.replace(filePath(r.read, file.name), `${processed}/${file.name}`);
  } catch (error) {
    const { workspaceId, id: runId } = r.ctx.run;
    await r.db.transaction(async (tx) => {
      await tx.insert(importRejects).values({ workspaceId, importId: r.ctx.imp.id, runId, kind: "file_not_moved", message: `${file.name} was imported but could not be moved to processed/: ${(error as Error).message}` });
      await tx.update(importRuns).set({ rejected: sql`${importRuns.rejected} + 1` }).where(eq(importRuns.id, runId));
    });
  }
}

/**
 * Reads the files of a file import: each matching file, in name order, that was not taken before (same name, size and
 * sha256) is imported whole, page by page — or, with `refuse_file`, refused whole when any line is bad — then moved
 * to processed/ when the import says so; a file that cannot be read (a broken .gz) is refused, saying why, and the
 * others go on. Stops between pages when the time budget is spent or a cancel is asked.
 */
export async function readFilePages(db: Db, ctx: LoadedImportRun, progress: ImportProgress, opts: Options): Promise<Outcome> {
  const read = ctx.config.read as FileRead;
  const remote = await openFileSource(db, { workspaceId: ctx.run.workspaceId, sourceId: ctx.config.sourceId });
  const land = rowLander(landingRuleOf(ctx.config));
  const r: Reader = { db, ctx, read, remote, opts, started: Date.now(), land, progress, stored: ctx.progress };
  try {
    const taken = await db.select().from(importFiles).where(eq(importFiles.importId, ctx.imp.id));
    for (const file of await matchingFiles(remote, read)) {
      // Files before the last one finished were dealt with by this run (kept ones; moved ones are gone from the folder).
      const finished = r.progress.rows.after?.key;
      if (read.afterImport === "keep" && finished !== undefined && file.name <= String(finished)) continue;
      const current = r.progress.rows.file;
      const fromLine = current?.name === file.name && current.size === file.size ? current.line : 0;
      if (fromLine === 0) {
        const same = taken.filter((t) => t.name === file.name && t.size === file.size);
        const sha256 = same.length ? await fileSha256(remote, filePath(read, file.name)) : undefined;
        const before = same.find((t) => t.sha256 === sha256);
        if (before) {
          if (before.status === "imported" && read.afterImport === "move") await moveProcessed(r, file);
          continue;
        }
        const stop = await stopHere(r);
        if (stop) return stop;
      }
      let outcome: Awaited<ReturnType<typeof importFile>>;
      try {
        if (fromLine === 0 && read.badLines === "refuse_file") {
          const scan = await scanFile(r, file);
          if (scan.bad) {
            await refuseFile(r, file, { sha256: scan.sha256, reason: `${scan.bad} lines have problems (refuse the whole file on any bad line)`, problems: scan.problems });
            continue;
          }
        }
        outcome = await importFile(r, file, fromLine);
      } catch (error) {
        if (!brokenFile(error)) throw error;
        await refuseBrokenFile(r, file, error as Error);
        continue;
      }
      if (typeof outcome === "object") return outcome;
      if (outcome === "imported" && read.afterImport === "move") await moveProcessed(r, file);
    }
    await commit(r, [], { after: r.progress.rows.after, done: true });
    return { done: true, cancelled: false };
  } finally {
    await remote.close().catch(() => {});
  }
}
