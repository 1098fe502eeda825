/**
 * The audience side of the Meta sandbox: how rows are judged (hashes checked, invalid entries counted and
 * sampled), how people join and leave, and the session rules of /users and /usersreplace, per the fact
 * sheet (../shared/vendors/meta-custom-audiences.md). Choices the docs leave open are marked [sandbox choice].
 */

export type Member = Record<string, string>;
export type GraphFailure = { status: number; code: number; subcode?: number; message: string; title?: string };

export type SandboxAudience = {
  id: string;
  name: string;
  subtype: string;
  customerFileSource?: string;
  description?: string;
  members: Member[];
  flagged: boolean;
  /** The audience's size as Meta counts it, for the 100 M limit of replace (defaults to its members). */
  size?: number;
  /** An open replace: the people it has received so far. */
  replace?: { sessionId: string; members: Member[] };
  /** A closed replace is being applied until then (operation_status replace_in_progress). */
  busyUntil: number;
  replaceError: boolean;
};

export type SandboxSession = {
  id: string;
  audienceId: string;
  endpoint: "users" | "usersreplace";
  method: "POST" | "DELETE";
  lastSeq: number;
  closed: boolean;
  startedAt: number;
  received: number;
  invalid: number;
  matched: number;
  lastAnswer?: Record<string, unknown>;
};

export const SESSION_WINDOW_MS = 90 * 60_000;
export const MAX_ROWS = 10_000;
const MULTI_KEYS = ["EXTERN_ID", "EMAIL", "PHONE", "GEN", "DOBY", "DOBM", "DOBD", "LN", "FN", "FI", "CT", "ST", "ZIP", "MADID", "COUNTRY"];
const SINGLE_KEYS: Record<string, string> = { EMAIL_SHA256: "EMAIL", PHONE_SHA256: "PHONE", MOBILE_ADVERTISER_ID: "MADID" };
/** Keys Meta takes only as SHA-256 (MADID and EXTERN_ID go as they are). */
const HASHED = new Set(["EMAIL", "PHONE", "GEN", "DOBY", "DOBM", "DOBD", "LN", "FN", "FI", "CT", "ST", "ZIP", "COUNTRY"]);
/**
 * [sandbox choice] Keys that name one person. Meta matches people on the hashed identifiers a row carries; a
 * removal takes out the rows that share one of these with it. COUNTRY, GEN, DOBY and the like are shared by
 * many people: a removal never matches on them alone.
 */
const PERSON_KEYS = ["EMAIL", "PHONE", "EXTERN_ID", "MADID"];
const SHA256_HEX = /^[0-9a-f]{64}$/;

export const fail = (status: number, code: number, message: string, extra: { subcode?: number; title?: string } = {}): GraphFailure => ({ status, code, message, ...extra });

/** The schema's keys, or why Meta refuses it. */
export function schemaKeys(schema: unknown): string[] | GraphFailure {
  if (typeof schema === "string" && SINGLE_KEYS[schema]) return [SINGLE_KEYS[schema]!];
  if (Array.isArray(schema) && schema.length && schema.every((k) => typeof k === "string" && MULTI_KEYS.includes(k)) && new Set(schema).size === schema.length) return schema as string[];
  return fail(400, 100, `(#100) Invalid schema: use EMAIL_SHA256, PHONE_SHA256, MOBILE_ADVERTISER_ID or a list of ${MULTI_KEYS.join(", ")}`);
}

export type Judged = { members: Member[]; invalid: number; samples: Record<string, string> };

/** Meta's own verdict on a well-hashed row: a reason, and optionally the key whose value it samples (else the row is the sample). */
export type Verdict = string | { reason: string; key?: string } | undefined;

/**
 * Badly hashed rows count as invalid entries rather than failing the request [G]; so do rows whose length
 * does not match the schema and empty rows [sandbox choice]. Samples: the offending value → reason, ≤100.
 */
export function judgeRows(keys: string[], data: unknown[], extra?: (member: Member) => Verdict): Judged {
  const judged: Judged = { members: [], invalid: 0, samples: {} };
  const refuse = (sample: string, reason: string) => {
    judged.invalid++;
    if (Object.keys(judged.samples).length < 100) judged.samples[sample] = reason;
  };
  for (const row of data) {
    const cells = Array.isArray(row) ? row : keys.length === 1 ? [row] : undefined;
    if (!cells || cells.length !== keys.length) {
      refuse(JSON.stringify(row), "The row does not match the schema");
      continue;
    }
    const member: Member = {};
    let reason: [string, string] | undefined;
    cells.forEach((cell, i) => {
      const key = keys[i]!;
      if (reason || cell === "") return;
      if (typeof cell !== "string") reason = [JSON.stringify(cell), `${key} is not a string`];
      else if (HASHED.has(key) && !SHA256_HEX.test(cell)) reason = [cell, `${key} is not a SHA-256 hash in lowercase hex: Meta takes no unhashed ${key}`];
      else member[key] = cell;
    });
    if (!reason && Object.keys(member).length === 0) reason = [JSON.stringify(row), "The row is empty"];
    const verdict = reason ? undefined : extra?.(member);
    if (typeof verdict === "string") reason = [JSON.stringify(row), verdict];
    else if (verdict) reason = [verdict.key && member[verdict.key] ? member[verdict.key]! : JSON.stringify(row), verdict.reason];
    if (reason) refuse(...reason);
    else judged.members.push(member);
  }
  return judged;
}

const canonical = (m: Member) => JSON.stringify(Object.keys(m).sort().map((k) => [k, m[k]]));

/**
 * Adds rows as they come: a row is kept with the identifiers it carries, and a row already held (the same
 * identifiers) is not held twice. A row with a new email for the same EXTERN_ID does not replace the
 * earlier row: both stay matched until a removal names the old one.
 */
export function addMembers(into: Member[], rows: Member[]) {
  const held = new Set(into.map(canonical));
  for (const row of rows) {
    if (held.has(canonical(row))) continue;
    held.add(canonical(row));
    into.push({ ...row });
  }
}

/** A removal row matches the rows sharing one of its person identifiers (or, without any, the same identifiers). */
const matches = (held: Member, removal: Member) =>
  PERSON_KEYS.some((key) => removal[key] && removal[key] === held[key]) || (!PERSON_KEYS.some((key) => removal[key]) && canonical(held) === canonical(removal));

/** Removes the rows the removal rows match. */
export function removeMembers(from: Member[], rows: Member[]) {
  for (let i = from.length - 1; i >= 0; i--) if (rows.some((row) => matches(from[i]!, row))) from.splice(i, 1);
}

export type SessionInput = { session_id?: unknown; batch_seq?: unknown; last_batch_flag?: unknown; estimated_num_total?: unknown };

/**
 * Where a batch stands in its session: a new session (batch_seq 1), the next batch, the same batch again
 * (a retransmission: answered as before, counted once [sandbox choice]), or Meta's refusal.
 */
export function placeBatch(
  p: { session: SandboxSession | undefined; input: SessionInput; endpoint: SandboxSession["endpoint"]; method: SandboxSession["method"]; audienceId: string; now: number },
): { kind: "new" | "next" | "again" | "discard" } | GraphFailure {
  const seq = Number(p.input.batch_seq);
  const id = p.input.session_id;
  if (!(typeof id === "number" || typeof id === "string") || !/^[1-9]\d{0,18}$/.test(String(id))) return fail(400, 100, "(#100) session_id must be a positive 64-bit integer");
  if (!Number.isInteger(seq) || seq < 1) return fail(400, 100, "(#100) batch_seq must be a positive integer");
  const s = p.session;
  const replace = p.endpoint === "usersreplace";
  if (!s) return seq === 1 ? { kind: "new" } : fail(400, 2650, "The first batch (batch_seq 1) of this session was never received", { subcode: 1870147, title: "First batch missing" });
  if (s.audienceId !== p.audienceId || s.endpoint !== p.endpoint || s.method !== p.method)
    return fail(400, 100, "(#100) This session_id belongs to another audience or operation: session ids are unique within the ad account"); // [sandbox choice]
  if (seq === s.lastSeq) return { kind: "again" };
  if (s.closed) return fail(400, 2650, "The session has already finished: its last batch was received", { subcode: 1870159, title: "Session already finished" });
  if (p.now - s.startedAt > SESSION_WINDOW_MS)
    return replace ? fail(400, 2650, "The replace window of 90 minutes has passed", { subcode: 1870158, title: "Replace timed out" }) : { kind: "discard" };
  if (replace ? seq < s.lastSeq || seq === 1 : seq !== s.lastSeq + 1) return fail(400, 100, `(#100) batch_seq ${seq} does not follow ${s.lastSeq} in this session`); // [sandbox choice]
  return { kind: "next" };
}
