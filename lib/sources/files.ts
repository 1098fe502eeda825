import "server-only";
import { createHash } from "node:crypto";
import path from "node:path/posix";
import { pipeline, Readable, Transform } from "node:stream";
import zlib from "node:zlib";
import { openFtp } from "@/connectors/ftp";
import type { FtpSecrets, FtpSettings } from "@/connectors/ftp/config";
import type { RemoteFiles } from "@/connectors/shared/csv-file";
import { openSftp } from "@/connectors/sftp";
import type { SftpSecrets, SftpSettings } from "@/connectors/sftp/config";
import { loadConnection } from "@/lib/connections/load";
import type { Db } from "@/lib/db/client";
import { requireSource } from "@/lib/db/queries/sources";
import { csvParser, detectDelimiter } from "@/lib/entities/csv-import";
import { PublicError } from "@/lib/errors";
import { isOneOf } from "@/lib/vocabulary";
import { type FileRead, fileSourceConnectors } from "./schema";

const openers = {
  sftp: (config: { settings: unknown; secrets: unknown }) => openSftp(config as { settings: SftpSettings; secrets: SftpSecrets }),
  ftp: (config: { settings: unknown; secrets: unknown }) => openFtp(config as { settings: FtpSettings; secrets: FtpSecrets }),
} satisfies Record<(typeof fileSourceConnectors)[number], unknown>;

/** The folder server of a file source, with the connection's own decrypted credentials (and its pinned host key). */
export async function openFileSource(db: Db, p: { workspaceId: string; sourceId: string }): Promise<RemoteFiles> {
  const source = await requireSource(db, p);
  const { row, config } = await loadConnection(db, { workspaceId: p.workspaceId, connectionId: source.connectionId });
  if (!isOneOf(fileSourceConnectors, row.connector)) throw new PublicError(`"${source.name}" is a database: an import from it reads a table or a query, not files`);
  try {
    return await openers[row.connector](config);
  } catch (error) {
    throw new PublicError(`Could not open the source "${source.name}": ${(error as Error).message}`);
  }
}

/** A file name pattern (* any characters, ? one) as a test of whole names. */
export function patternTest(pattern: string) {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*").replaceAll("?", ".")}$`);
  return (name: string) => re.test(name);
}

export type RemoteFile = { name: string; size: number };

/** The folder's files whose names match the pattern, in name order (the order they are imported in). */
export async function matchingFiles(remote: RemoteFiles, read: FileRead): Promise<RemoteFile[]> {
  const matches = patternTest(read.pattern);
  try {
    return (await remote.entries(read.folder)).filter((f) => matches(f.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    throw new PublicError((error as Error).message);
  }
}

export const filePath = (read: FileRead, name: string) => path.join(read.folder, name);

/** A record of a file with its line number, or the problem of a line the parser could not read. */
export type CsvLine = { line: number; row: Record<string, string | null> } | { line: number; error: string };

/** The file's bytes, hashed on the way (sha256 of the file as stored), gunzipped when its name ends in .gz. */
async function hashedStream(remote: RemoteFiles, filePath: string) {
  const source = await remote.download(filePath);
  const hash = createHash("sha256");
  let digest: string | undefined;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      digest = hash.digest("hex");
      done();
    },
  });
  // A failed download (or a broken .gz) destroys the stream with its error: the reader's loop throws it.
  const failed = () => {};
  const out: Readable = filePath.endsWith(".gz") ? pipeline(source, hashing, zlib.createGunzip(), failed) : pipeline(source, hashing, failed);
  return { out, source, sha256: () => digest ?? "" };
}

/** The sha256 of a remote file, read as a stream. */
export async function fileSha256(remote: RemoteFiles, filePath: string) {
  const source = await remote.download(filePath);
  const hash = createHash("sha256");
  for await (const chunk of source) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * A remote CSV file read as a stream, never whole: the header (the delimiter found on it as CSV upload does), then
 * `lines` yields each record with its line number and each unreadable line (wrong number of fields, bad quoting)
 * with its problem, in file order. `sha256()` is the whole file's once `lines` has ended; `close` stops the download.
 */
export async function openCsvFile(remote: RemoteFiles, filePath: string) {
  const { out, source, sha256 } = await hashedStream(remote, filePath);
  const input = out[Symbol.asyncIterator]();
  // The first line decides the delimiter: bytes are held until it is complete, then fed to the parser with the rest.
  const held: Buffer[] = [];
  for (let next = await input.next(); !next.done; next = await input.next()) {
    held.push(next.value as Buffer);
    if ((next.value as Buffer).includes(10)) break;
  }
  const firstLine = Buffer.concat(held).toString("utf8").replace(/^\uFEFF/, "");
  const parser = csvParser(detectDelimiter(firstLine));
  const feed = (async function* () {
    yield* held;
    for (let next = await input.next(); !next.done; next = await input.next()) yield next.value as Buffer;
  })();
  pipeline(Readable.from(feed), parser, () => {});
  const pending: CsvLine[] = [];
  parser.on("skip", (error: Error & { lines?: number }) => pending.push({ line: error.lines ?? 0, error: lineProblem(error.message) }));
  // The parser reports bad lines as it meets them, ahead of the records it has queued: each comes out in line order.
  const badBefore = (line: number) => pending.splice(0, pending.filter((p) => p.line < line).length);
  const records = (parser as AsyncIterable<{ record: string[]; info: { lines: number } }>)[Symbol.asyncIterator]();
  const first = await records.next();
  const header = first.done ? [] : first.value.record.map((h) => h.trim());
  if (!first.done) badBefore(first.value.info.lines + 1);
  async function* lines(): AsyncGenerator<CsvLine> {
    for (let next = await records.next(); !next.done; next = await records.next()) {
      const { record, info } = next.value;
      yield* badBefore(info.lines);
      yield { line: info.lines, row: Object.fromEntries(header.map((h, i) => [h, record[i] === "" || record[i] === undefined ? null : record[i]!])) };
    }
    yield* pending.splice(0);
  }
  return { header, headerProblem: headerProblem(header), lines: lines(), sha256, close: () => void source.destroy() };
}

/** The parser's message, in the words of the record log (which gives the line number itself). */
const lineProblem = (message: string) => message.replace(/^Invalid Record Length: expect (\d+), got (\d+) on line \d+$/, "expected $1 fields, got $2");

/** Why a header cannot name the columns: empty, a nameless column, a name twice. */
function headerProblem(header: string[]) {
  if (header.length === 0) return "The file is empty: it needs a header line naming its columns";
  if (header.some((h) => h === "")) return "A column of the header line has no name";
  const twice = header.find((h, i) => header.indexOf(h) !== i);
  return twice ? `The column "${twice}" appears twice in the header line` : undefined;
}

/**
 * The header and first `limit` records of the first file that matches (undefined when none does yet): what the
 * mapping canvas shows and the preview lands. Unreadable lines are passed over here; a run logs them.
 */
export async function firstFileRows(db: Db, p: { workspaceId: string; sourceId: string; read: FileRead; limit: number }) {
  const remote = await openFileSource(db, p);
  try {
    const [first] = await matchingFiles(remote, p.read);
    if (!first) return undefined;
    const csv = await openCsvFile(remote, filePath(p.read, first.name));
    try {
      if (csv.headerProblem) throw new PublicError(`${first.name}: ${csv.headerProblem}`);
      const rows: Record<string, string | null>[] = [];
      for await (const line of csv.lines) {
        if (rows.length >= p.limit) break;
        if ("row" in line) rows.push(line.row);
      }
      return { file: first.name, header: csv.header, rows };
    } finally {
      csv.close();
    }
  } finally {
    await remote.close().catch(() => {});
  }
}
