/**
 * Upload sessions: rows go to /users (add: POST, remove: POST with method=DELETE) or /usersreplace in sessions that span
 * the run's batches. The session's position (id, batch_seq) lives in the delivery state, so a resumed run
 * continues it; ids derive from the run, so a replayed step sends the same session and batch_seq again.
 */
import "server-only";
import { excerpt, isRunFatal } from "../shared/api";
import type { DeliveryContext, DestinationResponse, ErrorKind, HttpResponse } from "../types";
import type { MetaAudiencesSecrets, MetaAudiencesSettings } from "./config";
import { assertUsable, describeError, graphCall, graphErrorOf } from "./client";
import { sha256 } from "./normalize";

export type Ctx = DeliveryContext<MetaAudiencesSettings, MetaAudiencesSecrets>;
export type Kind = "add" | "remove" | "replace";

export type Session = {
  id: number;
  seq: number;
  startedAt: number;
  /** Rows of the run's records sent in this session (Meta's num_received also counts the closing batch). */
  rows: number;
  received: number;
  invalid: number;
  /** The last row sent: a session the run's final batch did not end is closed by sending it again with last_batch_flag. */
  tail?: { schema: string[]; row: string[] };
  closed?: boolean;
  /** A request failed without an answer: Meta may or may not hold that batch, so the next rows open a new session. */
  broken?: boolean;
};

export type MetaState = {
  audienceId: string;
  audienceName: string;
  sessions: Partial<Record<Kind, Session>>;
  generations: Partial<Record<Kind, number>>;
  /** Figures of sessions already left behind, per kind. */
  totals: Partial<Record<Kind, { rows: number; invalid: number }>>;
  /** Rows the record log names as invalid (from Meta's samples). */
  flagged: number;
  /** Why the rest of a replace went through /users. */
  replaceFellBack?: string;
  /** The replace session was closed: Meta empties the audience and loads the new set. */
  replaceClosed?: boolean;
  /** How often the commit found Meta still applying the replace (the next wait doubles). */
  replaceChecks?: number;
  /**
   * Removals a replace makes needless, answered without a request: the run's first this many deletes (the
   * run's records come in key order). Should the replace not swap the audience, the commit sends them.
   */
  heldRemovals?: number;
  /** The held removals went out. */
  heldRemovalsSent?: boolean;
};

/** Meta closes a session 90 minutes after its first batch and discards what comes later: a new one is opened before that. */
export const SESSION_MAX_AGE_MS = 80 * 60_000;
const META_SESSION_WINDOW_MS = 90 * 60_000;

export const sessionIdOf = (runId: string, kind: Kind, generation: number) => Number.parseInt(sha256(`${runId}:${kind}:${generation}`).slice(0, 13), 16) + 1;

export type Sent =
  | { ok: true; samples: Map<string, string>; response: DestinationResponse; kind: Kind }
  | { ok: false; kind: ErrorKind; message: string; response?: DestinationResponse; fellBack?: true };

/** Samples of invalid rows, as sample → Meta's reason (an object of them, or a list). */
export function samplesOf(json: unknown): Map<string, string> {
  const samples = (json as { invalid_entry_samples?: unknown } | undefined)?.invalid_entry_samples;
  const out = new Map<string, string>();
  if (Array.isArray(samples)) for (const s of samples) out.set(typeof s === "string" ? s : JSON.stringify(s), "");
  else if (samples && typeof samples === "object") for (const [sample, reason] of Object.entries(samples)) out.set(sample, typeof reason === "string" ? reason : JSON.stringify(reason));
  return out;
}

function retire(state: MetaState, kind: Kind) {
  const old = state.sessions[kind];
  if (!old) return;
  const total = (state.totals[kind] ??= { rows: 0, invalid: 0 });
  total.rows += old.rows;
  total.invalid += old.invalid;
  delete state.sessions[kind];
}

/** The session the next rows of `kind` go in, opened when there is none that Meta still takes. A replace has one session per run. */
function sessionFor(ctx: Ctx, state: MetaState, kind: Kind): Session | undefined {
  const current = state.sessions[kind];
  if (current && !current.closed && !current.broken && ctx.clock.now() - current.startedAt < SESSION_MAX_AGE_MS) return current;
  if (current && kind === "replace") return undefined;
  retire(state, kind);
  const generation = (state.generations[kind] ?? 0) + 1;
  state.generations[kind] = generation;
  return (state.sessions[kind] = { id: sessionIdOf(ctx.runId, kind, generation), seq: 0, startedAt: ctx.clock.now(), rows: 0, received: 0, invalid: 0 });
}

/** One batch: a JSON body, the token in the query; a removal is a POST with method=DELETE, as the guide documents [G]. */
async function post(ctx: Ctx, state: MetaState, kind: Kind, session: Session, payload: { schema: string[]; data: string[][] }, last: boolean) {
  return graphCall(ctx.http, ctx.connection, {
    method: "POST",
    path: `${state.audienceId}/${kind === "replace" ? "usersreplace" : "users"}`,
    query: kind === "remove" ? { method: "DELETE" } : {},
    body: { payload, session: { session_id: session.id, batch_seq: session.seq + 1, last_batch_flag: last } },
    timeoutMs: 120_000,
  });
}

const accepted = (a: HttpResponse) => a.status === 200 && !graphErrorOf(a);

function record(session: Session, a: HttpResponse) {
  const answer = a.json as { num_received?: unknown; num_invalid_entries?: unknown };
  session.received = Number(answer.num_received) || session.received;
  session.invalid = Number(answer.num_invalid_entries) || session.invalid;
}

/** The rows were not sent: the replace is over (`replaceFellBack` says why), the caller sends them through /users. */
const fellBack = (state: MetaState): Sent => ({ ok: false, kind: "technical", message: state.replaceFellBack!, fellBack: true });

/**
 * Sends rows of `kind` in the current session (≤10,000 rows: the caller chunks); `last` ends the session
 * with them (last_batch_flag), as the run's final batch does. Meta's session answers are
 * handled as its guide says: a replace whose window ran out or whose session is finished, or an audience too
 * big to replace, ends the replace (the answer says `fellBack`: the caller sends the rows through /users);
 * a session whose first batch Meta lacks starts again.
 */
export async function sendRows(ctx: Ctx, state: MetaState, kind: Kind, schema: string[], data: string[][], last: boolean, retried = false): Promise<Sent> {
  if (kind === "replace" && state.replaceFellBack) return fellBack(state);
  const session = sessionFor(ctx, state, kind);
  if (!session) {
    state.replaceFellBack = "the replace session can no longer be used (its 90 minutes ran out or a request was lost)";
    return fellBack(state);
  }
  let a: HttpResponse;
  try {
    a = await post(ctx, state, kind, session, { schema, data }, last);
  } catch (error) {
    if (isRunFatal(error)) throw error;
    session.seq++;
    // A replace takes any later batch_seq after a gap; /users continues in a new session.
    if (kind !== "replace") session.broken = true;
    const response = (error as { response?: HttpResponse }).response;
    return { ok: false, kind: "technical", message: (error as Error).message, response: response && excerpt(response) };
  }
  assertUsable(a, ctx.connection.settings);
  if (accepted(a)) {
    session.seq++;
    session.rows += data.length;
    session.tail = { schema, row: data.at(-1)! };
    session.closed = last;
    record(session, a);
    return { ok: true, samples: samplesOf(a.json), response: excerpt(a), kind };
  }
  const e = graphErrorOf(a);
  const sub = e?.code === 2650 ? e.error_subcode : undefined;
  if (kind === "replace" && (sub === 1870144 || sub === 1870158 || sub === 1870159)) {
    session.closed = true;
    state.replaceFellBack = describeError(e!);
    return fellBack(state);
  }
  if (!retried && (sub === 1870147 || sub === 1870159)) {
    // The session lacks its first batch (never received) or is finished: open the next one.
    if (sub === 1870147) delete state.sessions[kind];
    else session.closed = true;
    return sendRows(ctx, state, kind, schema, data, last, true);
  }
  return { ok: false, kind: a.status >= 500 ? "technical" : "rejected", message: e ? describeError(e) : `Meta answered ${a.status}`, response: excerpt(a) };
}

/**
 * Ends a session the run's final batch did not end (it had no rows of this kind, or the engine did not say
 * which batch was last): the last row again, with last_batch_flag (re-adding or re-removing one person
 * changes nothing). A replace must end for Meta to swap the audience; /users sessions would otherwise
 * close by themselves 90 minutes after their first batch.
 */
export async function closeSession(ctx: Ctx, state: MetaState, kind: Kind) {
  const session = state.sessions[kind];
  if (!session?.tail || session.closed || session.broken) return;
  if (ctx.clock.now() - session.startedAt >= META_SESSION_WINDOW_MS) {
    session.closed = true;
    return;
  }
  try {
    const a = await post(ctx, state, kind, session, { schema: session.tail.schema, data: [session.tail.row] }, true);
    assertUsable(a, ctx.connection.settings);
    const sub = graphErrorOf(a)?.error_subcode;
    if (accepted(a) || sub === 1870159 || sub === 1870158) {
      session.seq++;
      session.closed = true;
      if (accepted(a)) record(session, a);
      return;
    }
    if (kind === "replace") throw new Error(`Meta refused to end the replace session: ${describeError(graphErrorOf(a) ?? {})}`);
  } catch (error) {
    if (kind === "replace" || isRunFatal(error)) throw error;
  }
}

/** The run's figures for the commit message. */
export function summary(state: MetaState) {
  const figures = (kind: Kind) => {
    const total = state.totals[kind] ?? { rows: 0, invalid: 0 };
    const current = state.sessions[kind];
    return { rows: total.rows + (current?.rows ?? 0), invalid: total.invalid + (current?.invalid ?? 0) };
  };
  const add = figures("add");
  const remove = figures("remove");
  const replace = figures("replace");
  const parts: string[] = [];
  if (replace.rows) parts.push(`replaced the audience with ${replace.rows} people`);
  if (state.replaceFellBack) parts.push(`the rest went through /users because ${state.replaceFellBack}`);
  if (add.rows) parts.push(`added ${add.rows}`);
  if (remove.rows) parts.push(`removed ${remove.rows}`);
  const invalid = add.invalid + remove.invalid + replace.invalid;
  if (invalid) parts.push(`Meta counted ${invalid} invalid ${invalid === 1 ? "row" : "rows"} (${state.flagged} named in the record log)`);
  if (!parts.length) return "Nothing was sent to Meta";
  const text = parts.join("; ");
  return `${text[0]!.toUpperCase()}${text.slice(1)} in "${state.audienceName}". Meta applies changes within 24 hours.`;
}
