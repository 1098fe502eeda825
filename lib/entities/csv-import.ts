import "server-only";
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import type { Db } from "@/lib/db/client";
import { transactionWithRetry } from "@/lib/db/transaction";
import { type LineError, PublicError } from "@/lib/errors";
import type { EntityName } from "./catalog";
import { describeIssues, duplicateIds, type EntityRecord, recordSchema, writableFields } from "./records";
import { upsertRecords } from "./upsert";

export type CsvParseResult = { records: EntityRecord[]; errors: LineError[]; lines: number };

const normaliseHeader = (h: string) => h.trim().toLowerCase().replace(/[\s-]+/g, "_");

/** The delimiter of the header line: the most frequent of , ; and tab. */
export function detectDelimiter(text: string): string {
  const header = text.slice(0, text.search(/\r?\n|$/));
  return [",", ";", "\t"].map((d) => ({ d, n: header.split(d).length })).sort((a, b) => b.n - a.n)[0]!.d;
}

/**
 * The parser CSV upload and file sources share: a BOM dropped, empty lines skipped, records with their line numbers;
 * a bad line (wrong number of fields, bad quoting) is passed over and reported by a `skip` event with its line.
 */
export const csvParser = (delimiter: string) => parse({ bom: true, delimiter, skip_empty_lines: true, relax_quotes: false, info: true, skip_records_with_error: true });

/**
 * Parses and validates a whole CSV file of `entity` records. Columns that are not fields of the entity
 * become traits. Every bad line is reported with its line number; the caller imports nothing if any is.
 */
export async function parseCsvRecords(entity: EntityName, text: string): Promise<CsvParseResult> {
  const fields = new Set(writableFields(entity).map((f) => f.name));
  const schema = recordSchema(entity, "csv");
  const errors: LineError[] = [];
  const records: EntityRecord[] = [];
  const recordLines: number[] = [];
  let headers: string[] | undefined;
  let lines = 0;

  const parser = Readable.from([text]).pipe(csvParser(detectDelimiter(text.replace(/^\uFEFF/, ""))));
  parser.on("skip", (error: Error & { lines?: number }) => {
    lines++;
    errors.push({ line: error.lines ?? 0, message: `Unreadable line: ${error.message.replace(/^Invalid Record Length: /, "")}` });
  });
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (!headers) {
      headers = record.map(normaliseHeader);
      const problems = headerProblems(headers);
      if (problems.length) return { records: [], errors: problems.map((message) => ({ line: info.lines, message })), lines: 0 };
      continue;
    }
    lines++;
    const raw: Record<string, unknown> = {};
    const traits: Record<string, string> = {};
    headers.forEach((h, i) => {
      const value = record[i] ?? "";
      if (fields.has(h)) raw[h] = value;
      else if (value !== "") traits[h] = value;
    });
    if (Object.keys(traits).length) raw.traits = traits;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of describeIssues(parsed.error)) errors.push({ line: info.lines, ...issue });
      continue;
    }
    records.push(parsed.data as EntityRecord);
    recordLines.push(info.lines);
  }
  if (!headers) return { records: [], errors: [{ line: 1, message: "The file is empty: it needs a header line with an id column" }], lines: 0 };
  for (const [id, at] of duplicateIds(records.map((r) => r.id))) {
    const atLines = at.map((i) => recordLines[i]!);
    errors.push({ line: atLines[1]!, field: "id", message: `id "${id}" appears on lines ${atLines.join(", ")}` });
  }
  errors.sort((a, b) => a.line - b.line);
  return { records, errors, lines };
}

function headerProblems(headers: string[]): string[] {
  const problems: string[] = [];
  if (!headers.includes("id")) problems.push('The header line has no "id" column');
  const seen = new Set<string>();
  for (const h of headers) {
    if (h === "") problems.push("A column of the header line has no name");
    else if (seen.has(h)) problems.push(`The column "${h}" appears twice in the header line`);
    seen.add(h);
  }
  return problems;
}

const MAX_REPORTED = 200;

/** Imports a whole CSV file, or nothing: any bad line throws a PublicError listing the problems by line. */
export async function importCsvText(db: Db, p: { workspaceId: string; entity: EntityName; text: string }): Promise<number> {
  const { records, errors, lines } = await parseCsvRecords(p.entity, p.text);
  if (errors.length) {
    const badLines = new Set(errors.map((e) => e.line)).size;
    throw new PublicError(`${badLines} of ${lines} lines have problems, so nothing was imported. Fix them and upload the file again.`, {
      details: errors.slice(0, MAX_REPORTED),
    });
  }
  if (records.length === 0) throw new PublicError("The file has a header line but no records");
  return transactionWithRetry(db, (tx) => upsertRecords(tx, { workspaceId: p.workspaceId, entity: p.entity, records }));
}
