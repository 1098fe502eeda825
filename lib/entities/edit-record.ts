import "server-only";
import { and, eq } from "drizzle-orm";
import { announceRecordsChanged } from "@/inngest/requests";
import { type Actor, audit } from "@/lib/audit";
import { can } from "@/lib/auth/permissions";
import type { Role } from "@/lib/auth/roles";
import type { Db } from "@/lib/db/client";
import { entityTables } from "@/lib/db/schema";
import { transactionWithRetry } from "@/lib/db/transaction";
import { fieldErrorsOf, NotFoundError, PublicError, ValidationError } from "@/lib/errors";
import { entities, type EntityName } from "./catalog";
import { type EntityRecord, recordSchema, writableFields } from "./records";
import { upsertRecords } from "./upsert";

export type StoredRecord = Record<string, unknown> & { id: string; traits: Record<string, unknown>; updated_at: Date };

/** One record of an entity, keyed by its column names (first_name, updated_at…), or undefined. */
export async function getEntityRecord(db: Db, p: { workspaceId: string; entity: EntityName; id: string }): Promise<StoredRecord | undefined> {
  const table = entityTables[p.entity];
  const [row] = await db.select().from(table).where(and(eq(table.workspaceId, p.workspaceId), eq(table.id, p.id))).limit(1);
  if (!row) return undefined;
  const columns = table as unknown as Record<string, { name: string }>;
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [columns[key]!.name, value])) as StoredRecord;
}

/** Stored values come back as Date (date-times) and text (numerics); typed ones as ISO text and numbers. */
const comparable = (v: unknown) => (v instanceof Date ? v.getTime() : typeof v === "string" && v !== "" && !Number.isNaN(Number(v)) ? Number(v) : v ?? null);
const sameValue = (typed: unknown, stored: unknown) =>
  comparable(typeof typed === "string" && stored instanceof Date ? new Date(typed) : typed) === comparable(stored);

/**
 * Edits one record as typed in a form (every value a string; blank clears the field), through the same
 * upsert as the ingest API: `updated_at` moves and real-time syncs of the entity are told. Audited.
 */
export async function editRecord(
  db: Db,
  p: { workspaceId: string; role: Role; actor: Actor; entity: EntityName; id: string; values: Record<string, string> },
): Promise<StoredRecord> {
  if (!can(p.role, "editData")) throw new PublicError(`Your role (${p.role}) does not allow editing records`, { status: 403 });
  const before = await getEntityRecord(db, p);
  if (!before) throw new NotFoundError(`${entities[p.entity].label} record "${p.id}"`);
  const fields = writableFields(p.entity).filter((f) => f.name !== "id");
  const input = Object.fromEntries(fields.filter((f) => f.name in p.values).map((f) => [f.name, p.values[f.name]]));
  const parsed = recordSchema(p.entity, "csv").safeParse({ ...input, id: p.id });
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error), "Some fields do not fit");
  const record = parsed.data as EntityRecord;
  const changed = fields.filter((f) => f.name in input && !sameValue(record[f.name], before[f.name])).map((f) => f.name);
  if (changed.length === 0) return before;
  await transactionWithRetry(db, (tx) => upsertRecords(tx, { workspaceId: p.workspaceId, entity: p.entity, records: [record] }));
  await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "record.updated", target: { type: p.entity, id: p.id, name: p.id }, details: { fields: changed } });
  await announceRecordsChanged(db, { workspaceId: p.workspaceId, entity: p.entity, count: 1 });
  return (await getEntityRecord(db, p))!;
}
