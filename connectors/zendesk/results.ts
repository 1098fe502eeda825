/** How Zendesk's answers become record results. Pure: unit-tested on the vendor's documented shapes. */
import type { EarlierAttempt, RecordResult, WriteRecord } from "../types";

/** What a run keeps between batches: bulk endpoints Zendesk refused (403), and notes for the run's page. */
export type ZendeskState = { bulkOff?: string[]; notes?: string[] };

/** Marks a bulk endpoint as refused for the rest of the run, with a note saying how records went instead. */
export function refuseBulk(state: ZendeskState, endpoint: string, why: string, instead: string): ZendeskState {
  if (state.bulkOff?.includes(endpoint)) return state;
  const note = `Zendesk refused ${endpoint} (${why}): bulk endpoints answer 403 until Zendesk Support enables bulk imports for the account, so this run sent records one at a time with ${instead}.`;
  return { ...state, bulkOff: [...(state.bulkOff ?? []), endpoint], notes: [...(state.notes ?? []), note] };
}

/**
 * A record Zendesk created or updated, as the one request it was: create_or_update settles on its own a
 * planned create of a user it already had (update) or a planned update of one deleted (create), so the op
 * is what Zendesk did and `earlier` holds only requests actually sent before (none for a single call).
 */
export function settled(record: WriteRecord, p: { created: boolean; id: string; earlier?: EarlierAttempt[] }): RecordResult {
  return { key: record.key, status: "ok", op: p.created ? "create" : "update", destinationId: p.id, ...(p.earlier?.length ? { earlier: p.earlier } : {}) };
}

const DUPLICATE = /already being used|already been taken|DuplicateValue/i;

/** The per-record result of a create_or_update_many job item (`Created` / `Updated` / `Failed`), by the documented shapes. */
export function fromJobItem(record: WriteRecord, item: Record<string, unknown> | undefined): RecordResult {
  if (!item) return { key: record.key, status: "failed", kind: "technical", message: "Zendesk's job reported no result for this record: it goes again next run" };
  const response = { status: 200, body: JSON.stringify(item) };
  if ((item.status === "Created" || item.status === "Updated") && item.id !== undefined && item.id !== null)
    return settled(record, { created: item.status === "Created", id: String(item.id) });
  const message = [item.error, item.details].filter((t) => typeof t === "string" && t).join(": ") || `Zendesk's job answered ${JSON.stringify(item).slice(0, 200)}`;
  if (item.status === "Failed") return { key: record.key, status: "failed", kind: DUPLICATE.test(message) ? "duplicate" : "rejected", message, response };
  return { key: record.key, status: "failed", kind: "technical", message: `Unexpected job result: ${message}`, response };
}

/**
 * Pairs each sent record with its job result. Zendesk returns them in request order; success items also
 * echo the email, so a result whose email is another record's is matched by email instead.
 */
export function pairResults(sent: Record<string, unknown>[], items: Record<string, unknown>[]): (Record<string, unknown> | undefined)[] {
  const lower = (v: unknown) => (typeof v === "string" ? v.trim().toLowerCase() : undefined);
  const byEmail = new Map(items.filter((i) => lower(i.email)).map((i) => [lower(i.email)!, i]));
  return sent.map((s, i) => {
    const item = items[i];
    const email = lower(s.email);
    if (item && (!email || !lower(item.email) || lower(item.email) === email)) return item;
    return email ? byEmail.get(email) : undefined;
  });
}
