/**
 * Meta custom audiences (customer lists). Objects are the ad account's audiences by id, plus `new:<name>` for
 * each name in the connection's `newAudiences`: that audience is found by name or created on the first run.
 * Records are people: identifiers normalised and hashed (normalize.ts), added or removed in upload sessions
 * (upload.ts) that span the run; a replace loads the audience anew through /usersreplace.
 */
import "server-only";
import { chunks, droppedWarning, withWarning } from "../shared/api";
import { type BatchPosition, type Connector, type DestinationField, DestinationConfigError, type RecordResult, type WriteRecord } from "../types";
import { type MetaAudiencesSecrets, type MetaAudiencesSettings, metaAudiencesSecretsSchema, metaAudiencesSettingsSchema, NEW_AUDIENCE_PREFIX } from "./config";
import { audienceStatus, getAdAccount, getAudience, isCustomerList, listAudiences, resolveAudience } from "./client";
import { metaAudiencesManifest } from "./manifest";
import { buildRow, IDENTIFIERS, type Identifier, previewPayload, rowOf, schemaOf } from "./normalize";
import { closeSession, type Ctx, type Kind, type MetaState, sendRows, type Sent, summary } from "./upload";

/** Meta takes at most 10,000 rows per request. */
const MAX_ROWS = 10_000;
/** Checks of a replace Meta is applying: the first after 30 s, each next one twice as late, at most every 30 minutes. */
const FIRST_CHECK_SECONDS = 30;
const LATEST_CHECK_SECONDS = 30 * 60;
/** Columns that name one person: an invalid-entry sample keyed by one of their values names that row. */
const PERSON_KEYS = new Set(["EXTERN_ID", "EMAIL", "PHONE"]);

const fields: DestinationField[] = [
  { name: "EXTERN_ID", key: "primary", description: "Your id for the person, sent as it is (not hashed): later uploads and removals match it" },
  { name: "EMAIL", key: "unique", description: "Email address: trimmed and lowercased, then SHA-256" },
  { name: "PHONE", key: "unique", description: "Phone with its country code, digits only, then SHA-256 (a national number takes its code from COUNTRY)" },
  { name: "FN", description: "First name: lowercase letters, accents kept, punctuation dropped, then SHA-256" },
  { name: "LN", description: "Last name: lowercase letters, accents kept, punctuation dropped, then SHA-256" },
  { name: "CT", description: "City: a–z only, no spaces or punctuation, then SHA-256" },
  { name: "ST", description: "State or region: US 2-letter code, elsewhere a–z only, then SHA-256" },
  { name: "ZIP", description: "Postal code: lowercase without spaces (US: 5 digits; UK: area, district, sector), then SHA-256" },
  { name: "COUNTRY", description: "ISO 3166-1 alpha-2 country code, lowercase, then SHA-256" },
  { name: "DOBY", description: "Birth year YYYY (a date gives its year), then SHA-256" },
  { name: "GEN", description: "Gender m or f (male, female accepted), then SHA-256" },
].map((f) => ({ type: "string", required: false, nullable: true, ...f }) as DestinationField);

/** The identifiers a record was last sent with (hashes; EXTERN_ID as is). */
function sentBefore(identifiers: WriteRecord["identifiers"]): Record<string, string> | undefined {
  if (!identifiers) return undefined;
  const sent = Object.fromEntries(Object.entries(identifiers).filter(([key, value]) => IDENTIFIERS.includes(key as Identifier) && typeof value === "string" && value));
  return Object.keys(sent).length ? (sent as Record<string, string>) : undefined;
}

type Row = { record: WriteRecord; identifiers: Record<string, string> };
type Outcome = { sent: Sent; reason?: string };

/**
 * Meta's reason for a row its invalid_entry_samples name: by the whole row, or by one of its values that names
 * a single person. A sample keyed by a value many rows share (a COUNTRY, GEN or DOBY hash) names no row.
 */
function sampleReason(samples: Map<string, string>, schema: readonly string[], row: string[]) {
  const whole = samples.get(JSON.stringify(row));
  if (whole !== undefined) return whole;
  for (const [i, key] of schema.entries()) if (PERSON_KEYS.has(key) && row[i] && samples.has(row[i]!)) return samples.get(row[i]!);
  return undefined;
}

/**
 * Sends rows of one kind, ≤10,000 a request; a replace that ends partway answers the rest `fellBack` unsent.
 * `last`: these are the run's final rows of this kind, so their final request ends the session.
 */
async function deliver(ctx: Ctx, state: MetaState, kind: Kind, rows: Row[], schema: readonly string[], last: boolean) {
  const outcome = new Map<string, Outcome>();
  const parts = chunks(rows, MAX_ROWS);
  for (const [i, chunk] of parts.entries()) {
    const data = chunk.map((r) => rowOf(schema, r.identifiers));
    const sent = await sendRows(ctx, state, kind, [...schema], data, last && i === parts.length - 1);
    chunk.forEach((r, i) => outcome.set(r.record.key, { sent, reason: sent.ok ? sampleReason(sent.samples, schema, data[i]!) : undefined }));
  }
  return outcome;
}

const unionSchema = (rows: Row[]) => IDENTIFIERS.filter((key) => rows.some((r) => r.identifiers[key]));

const sameIdentifiers = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([key, value]) => b[key] === value);

/** A record's result from Meta's answer: a row its samples name fails as rejected with Meta's reason. */
function resultOf(state: MetaState, record: WriteRecord, op: "create" | "update" | "delete", o: Outcome, identifiers?: Record<string, string>): RecordResult {
  const { sent, reason } = o;
  // A request that got no answer may have added the row all the same: keep what was sent, for a removal.
  if (!sent.ok)
    return { key: record.key, status: "failed", kind: sent.kind, message: sent.message, response: sent.response, ...(sent.kind === "technical" && identifiers ? { identifiers } : {}) };
  if (reason !== undefined) {
    state.flagged++;
    return { key: record.key, status: "failed", kind: "rejected", message: `Meta counted this row as invalid${reason ? `: ${reason}` : ""}`, response: sent.response };
  }
  return { key: record.key, status: "ok", op, ...(identifiers ? { identifiers } : {}) };
}

async function write(ctx: Ctx, stateIn: MetaState, records: WriteRecord[], batch?: BatchPosition) {
  const state = structuredClone(stateIn);
  const last = batch?.last ?? false;
  const schema = schemaOf(ctx.fields);
  const results = new Map<string, RecordResult>();
  const warnings = new Map<string, string>();
  const deletes: Row[] = [];
  let upserts: (Row & { before?: Record<string, string> })[] = [];
  for (const record of records) {
    const before = sentBefore(record.identifiers);
    if (record.op === "delete") {
      // Nothing was sent for it: nothing to remove.
      if (!before) results.set(record.key, { key: record.key, status: "ok", op: "delete" });
      else deletes.push({ record, identifiers: before });
      continue;
    }
    const built = buildRow(record.payload ?? {}, schema, ctx.clock.now());
    if (Object.keys(built.identifiers).length) {
      upserts.push({ record, identifiers: built.identifiers, before });
      if (built.problems.length) warnings.set(record.key, droppedWarning(built.problems));
    } else
      results.set(record.key, {
        key: record.key,
        status: "failed",
        kind: "rejected",
        message: `No identifier Meta can match: ${built.problems.join("; ") || "every mapped value is empty"}`,
      });
  }
  const opOf = (record: WriteRecord) => (record.op === "create" ? "create" : "update");
  const done = () => ({ results: records.map((r) => withWarning(results.get(r.key)!, warnings.get(r.key))), state });

  if (ctx.mode === "replace" && !state.replaceFellBack) {
    const replaced = upserts.length ? await deliver(ctx, state, "replace", upserts, schema, last) : new Map<string, Outcome>();
    const rest: typeof upserts = [];
    for (const r of upserts) {
      const o = replaced.get(r.record.key)!;
      if (!o.sent.ok && o.sent.fellBack) rest.push(r);
      else results.set(r.record.key, resultOf(state, r.record, opOf(r.record), o, r.identifiers));
    }
    if (!state.replaceFellBack) {
      // The replace swaps the audience: who is not in it leaves it, and no earlier row stays. Should it not
      // swap after all (it falls back to /users later, or never starts), the commit removes these people.
      for (const d of deletes) results.set(d.record.key, { key: d.record.key, status: "ok", op: "delete" });
      state.heldRemovals = (state.heldRemovals ?? 0) + deletes.length;
      return done();
    }
    // The replace ended in this batch: its rest goes through /users, as in an incremental run.
    upserts = rest;
  }

  // Through /users, an update whose identifiers changed first removes the row last sent (else the old email
  // stays matched), then adds the new one: the removal matches the person's EXTERN_ID too, so it goes first.
  const removalOf = new Map<string, Row>(deletes.map((d) => [d.record.key, d]));
  for (const r of upserts) if (r.before && !sameIdentifiers(r.before, r.identifiers)) removalOf.set(r.record.key, { record: r.record, identifiers: r.before });
  const removals = records.flatMap((r) => removalOf.get(r.key) ?? []);
  const removed = removals.length ? await deliver(ctx, state, "remove", removals, unionSchema(removals), last) : new Map<string, Outcome>();
  for (const d of deletes) results.set(d.record.key, resultOf(state, d.record, "delete", removed.get(d.record.key)!));
  const adds: Row[] = [];
  for (const r of upserts) {
    const removal = removed.get(r.record.key)?.sent;
    // The earlier row could not be removed: the record goes again next run, with the same earlier identifiers.
    if (removal && !removal.ok)
      results.set(r.record.key, { key: r.record.key, status: "failed", kind: removal.kind, message: `Removing the identifiers sent before failed: ${removal.message}`, response: removal.response });
    else adds.push(r);
  }
  const added = adds.length ? await deliver(ctx, state, "add", adds, schema, last) : new Map<string, Outcome>();
  for (const r of adds) results.set(r.record.key, resultOf(state, r.record, opOf(r.record), added.get(r.record.key)!, r.identifiers));
  return done();
}

/** Whether the run's replace swaps the audience: its session took rows and it did not fall back to /users. */
const replaceSwaps = (state: MetaState) => Boolean(state.sessions.replace?.rows || state.totals.replace?.rows) && !state.replaceFellBack;

/**
 * The removals write() held for a replace that does not swap the audience after all: the run's first
 * `heldRemovals` deletes, read again from the run's records, removed by the identifiers last sent.
 */
async function sendHeldRemovals(ctx: Ctx, state: MetaState) {
  let left = state.heldRemovals ?? 0;
  const rows: Row[] = [];
  for await (const page of ctx.records()) {
    for (const record of page) {
      const before = record.op === "delete" && left > 0 ? sentBefore(record.identifiers) : undefined;
      if (!before) continue;
      rows.push({ record, identifiers: before });
      left--;
    }
    if (left === 0) break;
  }
  if (rows.length) {
    const outcome = await deliver(ctx, state, "remove", rows, unionSchema(rows), true);
    const failed = [...outcome.values()].find((o) => !o.sent.ok)?.sent;
    // Their records were answered already: the commit fails, and is tried again with the state before it.
    if (failed && !failed.ok) throw new Error(`Removing the ${rows.length} people who left "${state.audienceName}" failed: ${failed.message}`);
  }
  state.heldRemovalsSent = true;
}

export const metaAudiences: Connector<MetaAudiencesSettings, MetaAudiencesSecrets, MetaState> = {
  manifest: metaAudiencesManifest,
  settingsSchema: metaAudiencesSettingsSchema,
  secretsSchema: metaAudiencesSecretsSchema,

  async test({ connection, http }) {
    try {
      const account = await getAdAccount(http, connection);
      const audiences = (await listAudiences(http, connection)).filter(isCustomerList);
      const where = account.name ? `"${account.name}" (${connection.settings.adAccountId})` : connection.settings.adAccountId;
      return { ok: true, message: `Connected to ${where}: ${audiences.length} customer-list ${audiences.length === 1 ? "audience" : "audiences"}` };
    } catch (error) {
      if (error instanceof DestinationConfigError) return { ok: false, message: error.message };
      return { ok: false, message: `Could not reach Meta: ${(error as Error).message}` };
    }
  },

  async listObjects({ connection, http }) {
    const audiences = (await listAudiences(http, connection)).filter(isCustomerList);
    const existing = audiences.map((a) => ({
      name: a.id,
      label: a.name,
      description: `Customer list${(a.approximate_count_lower_bound ?? 0) > 0 ? `, about ${a.approximate_count_lower_bound} ${a.approximate_count_lower_bound === 1 ? "person" : "people"}` : ""}`,
    }));
    const created = connection.settings.newAudiences.map((name) => {
      const found = audiences.find((a) => a.name === name);
      return {
        name: `${NEW_AUDIENCE_PREFIX}${name}`,
        label: `${name} (new)`,
        description: found ? `The customer list "${name}" (${found.id}), written by name` : "Created in the ad account on the first run",
      };
    });
    return [...existing, ...created];
  },

  async listFields({ connection, http }, object) {
    if (!object.startsWith(NEW_AUDIENCE_PREFIX)) {
      const audience = await getAudience(http, connection, object);
      if (!isCustomerList(audience)) throw new DestinationConfigError(`"${audience.name}" is not a customer-list audience`);
    }
    return fields;
  },

  sharing({ connection }, sync) {
    const claim = { reason: "a replace swaps the whole audience (/usersreplace), removing the people other syncs add", remedy: "run it incrementally" };
    return { place: `${connection.settings.adAccountId}/${sync.object}`, claim: sync.mode === "replace" ? claim : undefined };
  },

  checkSync(_ctx, sync) {
    return sync.mode === "full" ? "Meta audiences take incremental runs or a replace: a full resend would only add everyone again" : undefined;
  },

  preview(ctx, _object, payload) {
    return previewPayload(payload, ctx.clock.now());
  },

  delivery: {
    async begin(ctx) {
      const audience = await resolveAudience(ctx.http, ctx.connection, ctx.object);
      if (audienceStatus(audience) === "flagged") throw new DestinationConfigError(`Meta blocks uploads to "${audience.name}" until its restrictions are resolved in Audience Manager`);
      return { audienceId: audience.id, audienceName: audience.name, sessions: {}, generations: {}, totals: {}, flagged: 0 };
    },

    write,

    async commit(ctx, stateIn) {
      const state = structuredClone(stateIn);
      // The replace ends first: Meta swaps the audience, and /users waits until it has.
      if (state.sessions.replace && !state.replaceClosed) {
        await closeSession(ctx, state, "replace");
        state.replaceClosed = true;
      }
      if (state.replaceClosed) {
        const status = audienceStatus(await getAudience(ctx.http, ctx.connection, state.audienceId));
        if (status === "replace_error") throw new DestinationConfigError(`Meta could not complete the replace of "${state.audienceName}" (replace_error): run a replace again`);
        if (status === "replacing") {
          // Meta may take hours: each check comes twice as late as the one before, up to every 30 minutes.
          const checks = state.replaceChecks ?? 0;
          state.replaceChecks = checks + 1;
          const waitSeconds = Math.min(FIRST_CHECK_SECONDS * 2 ** checks, LATEST_CHECK_SECONDS);
          return { pending: { waitSeconds, state, message: `Meta is replacing the people of "${state.audienceName}"` } };
        }
      }
      if (ctx.mode === "replace" && state.heldRemovals && !state.heldRemovalsSent && !replaceSwaps(state)) await sendHeldRemovals(ctx, state);
      for (const kind of ["remove", "add"] as const) await closeSession(ctx, state, kind);
      if (ctx.mode === "replace" && !state.sessions.replace?.rows && !state.totals.replace?.rows && !state.replaceFellBack) {
        const nothing = `Nothing to replace "${state.audienceName}" with: Meta takes no empty replace, the audience was left as it was`;
        return { message: state.heldRemovals ? `${nothing}. ${summary(state)}` : nothing };
      }
      return { message: summary(state) };
    },

    async abort(ctx, stateIn) {
      // An unfinished replace ends now rather than in 90 minutes: Meta keeps what arrived.
      const state = structuredClone(stateIn);
      if (!state.audienceId) return;
      for (const kind of ["remove", "add", "replace"] as const) await closeSession(ctx, state, kind).catch(() => {});
    },
  },
};
