import "server-only";
import crypto from "node:crypto";
import path from "node:path/posix";
import { PassThrough, Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { stringify } from "csv-stringify/sync";
import type { ConnectionConfig, Connector, DeliveryContext, FileReport, RecordResult, Sharing, TestResult, WriteRecord } from "../types";
import { delimiters, type FileSettings } from "./file-config";

/** What a file destination's server offers: SFTP and FTP each implement it with their client library. */
export type RemoteFiles = {
  /** Writes the stream to `path` (created or truncated). */
  upload(source: Readable, path: string): Promise<void>;
  /** Renames `from` to `to`, replacing `to` if it exists (atomically where the server can). */
  replace(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  /** The names of the files in a folder. */
  list(folder: string): Promise<string[]>;
  /** The files of a folder with their sizes in bytes (what a file source reads). */
  entries(folder: string): Promise<{ name: string; size: number }[]>;
  /** A file's bytes as a stream, never whole in memory; destroying the stream stops the download. */
  download(path: string): Promise<Readable>;
  /** Creates a folder unless it exists. */
  makeFolder(path: string): Promise<void>;
  close(): Promise<void>;
};

/** The file names of a run: the template's tokens filled in, `.gz` added when compressed. */
export function fileNames(settings: Pick<FileSettings, "fileName" | "gzip">, run: { startedAt: Date; runId: string; syncId: string }) {
  const iso = run.startedAt.toISOString();
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 19).replaceAll(":", "");
  const filled = settings.fileName
    .replaceAll("{date}", date)
    .replaceAll("{time}", time)
    .replaceAll("{datetime}", `${date.replaceAll("-", "")}T${time}Z`)
    .replaceAll("{run}", run.runId.slice(0, 8))
    .replaceAll("{sync}", run.syncId.slice(0, 8));
  const gz = settings.gzip && !filled.endsWith(".gz") ? ".gz" : "";
  const ext = path.extname(filled.replace(/\.gz$/, ""));
  const base = filled.replace(/\.gz$/, "").slice(0, filled.replace(/\.gz$/, "").length - ext.length);
  return { main: `${filled}${gz}`, deletions: `${base}_deletions${ext}${filled.endsWith(".gz") ? ".gz" : gz}` };
}

/** Whether a name was made from the template by a run of this sync (`{sync}` is its own id): the earlier versions a new file replaces. */
export function madeFromTemplate(settings: Pick<FileSettings, "fileName" | "gzip">, name: string, syncId: string): boolean {
  const own = syncId.slice(0, 8).replace(/[^0-9a-f]/g, "");
  const tokens = { "{datetime}": ["\u0001", "\\d{8}T\\d{6}Z"], "{date}": ["\u0002", "\\d{4}-\\d{2}-\\d{2}"], "{time}": ["\u0003", "\\d{6}"], "{run}": ["\u0004", "[0-9a-f]{8}"], "{sync}": ["\u0005", own] } as const;
  const marked = Object.entries(tokens).reduce((text, [token, [mark]]) => text.replaceAll(token, mark), settings.fileName);
  const made = fileNames({ ...settings, fileName: marked }, { startedAt: new Date(0), runId: "", syncId: "" });
  const matches = (template: string) =>
    new RegExp(`^${Object.values(tokens).reduce((text, [mark, pattern]) => text.replaceAll(mark, pattern), template.replace(/[.*+?^$(){}|[\]\\]/g, "\\$&"))}$`).test(name);
  return matches(made.main) || matches(made.deletions);
}

const hasTokens = (fileName: string) => /\{(date|time|datetime|run|sync)\}/.test(fileName);

/**
 * A file is one place per server, folder and name. Every run writes it anew (a fixed name) or removes
 * the earlier files its template matches, so a sync has it to itself — unless its name has {sync}
 * (each sync's files are its own), or {run} with earlier files kept (no run writes over another's).
 */
function fileSharing(where: string, settings: FileSettings): Sharing {
  const place = `${where}${path.join(settings.folder, settings.fileName)}`;
  const apart = settings.fileName.includes("{sync}") || (settings.fileName.includes("{run}") && settings.previousFiles === "keep");
  if (apart) return { place };
  return { place, claim: { reason: "each run writes the file anew (or removes the earlier files its name matches), over what another sync wrote", remedy: "put {sync} in the file name" } };
}

const temporaryName = (name: string, runId: string) => `.${name}.${runId.slice(0, 8)}.part`;
/** The file a temporary name was for (".contacts.csv.0a1b2c3d.part" → "contacts.csv"), or undefined. */
const temporaryOf = (name: string) => name.match(/^\.(.+)\.[0-9a-f]{8}\.part$/)?.[1];

/** Counts, hashes and measures what passes through. */
function meter() {
  const hash = crypto.createHash("sha256");
  const stats = { bytes: 0, sha256: "" };
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      stats.bytes += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      stats.sha256 = hash.digest("hex");
      done();
    },
  });
  return { tap, stats };
}

/** A CSV file as a stream: the header, then each page of rows as it is read, never the whole file in memory. */
function csvStream(settings: FileSettings, header: string[], pages: AsyncIterable<unknown[][]>, counter: { rows: number }): Readable {
  const options = { delimiter: delimiters[settings.delimiter], record_delimiter: "unix" as const, quoted_match: /^\s|\s$/ };
  return Readable.from(
    (async function* () {
      yield Buffer.from((settings.bom ? "\uFEFF" : "") + stringify([header], options), "utf8");
      for await (const rows of pages) {
        if (rows.length === 0) continue;
        counter.rows += rows.length;
        yield Buffer.from(stringify(rows, options), "utf8");
      }
    })(),
  );
}

const cell = (value: unknown) => (value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : value);

async function* pagesOf(records: AsyncIterable<WriteRecord[]>, keep: (r: WriteRecord) => boolean, row: (r: WriteRecord) => unknown[]) {
  for await (const page of records) yield page.filter(keep).map(row);
}

/**
 * Writes one file: streamed to a temporary name beside the final one, then renamed over it, so a reader
 * never sees half a file and a failed upload never leaves one under the final name.
 */
async function writeFile(remote: RemoteFiles, settings: FileSettings, p: { name: string; header: string[]; pages: AsyncIterable<unknown[][]>; runId: string }): Promise<FileReport> {
  const final = path.join(settings.folder, p.name);
  const temporary = path.join(settings.folder, temporaryName(p.name, p.runId));
  const counter = { rows: 0 };
  const { tap, stats } = meter();
  const body = new PassThrough();
  const csv = csvStream(settings, p.header, p.pages, counter);
  const produced = settings.gzip ? pipeline(csv, zlib.createGzip(), tap, body) : pipeline(csv, tap, body);
  try {
    await Promise.all([remote.upload(body, temporary), produced]);
    await remote.replace(temporary, final);
  } catch (error) {
    body.destroy();
    await remote.remove(temporary).catch(() => {});
    throw error;
  }
  return { name: final, rows: counter.rows, bytes: stats.bytes, sha256: stats.sha256 };
}

type FileConnectorParts<S extends FileSettings, K> = Pick<Connector<S, K>, "manifest" | "settingsSchema" | "secretsSchema" | "pin"> & {
  open(connection: ConnectionConfig<S, K>): Promise<RemoteFiles & { identity?: string }>;
  /** Where the connection points, for messages ("sftp://user@host:22"). */
  describe(connection: ConnectionConfig<S, K>): string;
};

/**
 * A file destination (SFTP, FTP) from its transport. The engine hands every record to `write`, which
 * only acknowledges it; `commit` streams the run's records into the files: a replace writes the whole
 * dataset in one file, an incremental run the rows created or changed, plus a file of the keys that left
 * when on-leave is delete. Files report the run as a whole: name, rows, bytes, checksum.
 */
export function fileConnector<S extends FileSettings, K>(parts: FileConnectorParts<S, K>): Connector<S, K> {
  const withRemote = async <T>(connection: ConnectionConfig<S, K>, work: (remote: RemoteFiles & { identity?: string }) => Promise<T>) => {
    const remote = await parts.open(connection);
    try {
      return await work(remote);
    } finally {
      await remote.close().catch(() => {});
    }
  };
  return {
    ...parts,
    async test({ connection }): Promise<TestResult> {
      try {
        return await withRemote(connection, async (remote) => {
          const files = await remote.list(connection.settings.folder);
          return { ok: true, message: `Connected to ${parts.describe(connection)}; ${connection.settings.folder} holds ${files.length} files${remote.identity ? `; ${remote.identity}` : ""}` };
        });
      } catch (error) {
        return { ok: false, message: (error as Error).message };
      }
    },
    async listObjects({ connection }) {
      const { folder, fileName } = connection.settings;
      return [{ name: fileName, label: path.join(folder, fileName), description: "A CSV file: its columns are the mapping's destination names", freeFields: true }];
    },
    async listFields() {
      return [];
    },
    sharing({ connection }) {
      return fileSharing(parts.describe(connection), connection.settings);
    },
    delivery: {
      async begin() {
        return {};
      },
      async write(_ctx, state, records) {
        const results: RecordResult[] = records.map((r) => ({ key: r.key, status: "ok", op: r.op === "delete" ? "delete" : r.op === "update" ? "update" : "create" }));
        return { results, state };
      },
      async commit(ctx: DeliveryContext<S, K>) {
        const settings = ctx.connection.settings;
        const names = fileNames(settings, ctx);
        return withRemote(ctx.connection, async (remote) => {
          // What an upload cut off earlier left behind (its connection gone, it could not clean up).
          for (const name of await remote.list(settings.folder)) {
            const of = temporaryOf(name);
            if (of && (of === names.main || of === names.deletions || madeFromTemplate(settings, of, ctx.syncId))) await remote.remove(path.join(settings.folder, name));
          }
          const files: FileReport[] = [];
          const upserts = pagesOf(ctx.records(), (r) => r.op !== "delete", (r) => ctx.fields.map((f) => cell(r.payload?.[f])));
          if (ctx.mode === "replace") files.push(await writeFile(remote, settings, { name: names.main, header: ctx.fields, pages: upserts, runId: ctx.runId }));
          else {
            const { changes, deletions } = await whatChanged(ctx);
            if (changes) files.push(await writeFile(remote, settings, { name: names.main, header: ctx.fields, pages: upserts, runId: ctx.runId }));
            if (deletions) files.push(await writeFile(remote, settings, { name: names.deletions, header: [ctx.key], pages: pagesOf(ctx.records(), (r) => r.op === "delete", (r) => [r.key]), runId: ctx.runId }));
          }
          if (settings.previousFiles === "remove" && hasTokens(settings.fileName)) {
            const written = new Set(files.map((f) => path.basename(f.name)));
            for (const name of await remote.list(settings.folder)) if (!written.has(name) && madeFromTemplate(settings, name, ctx.syncId)) await remote.remove(path.join(settings.folder, name));
          }
          return { files, message: files.length === 0 ? "Nothing changed: no file was written" : undefined };
        });
      },
      async abort() {},
    },
  };
}

/** Whether the run has rows to write and keys that left, read from its plan until both are known. */
async function whatChanged(ctx: Pick<DeliveryContext, "records">) {
  const seen = { changes: false, deletions: false };
  for await (const page of ctx.records()) {
    for (const r of page) seen[r.op === "delete" ? "deletions" : "changes"] = true;
    if (seen.changes && seen.deletions) break;
  }
  return seen;
}
