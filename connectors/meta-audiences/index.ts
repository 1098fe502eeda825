/**
 * Meta custom audiences (customer lists). Objects are the ad account's audiences by id, plus `new:<name>` for
 * each name in the connection's `newAudiences`: that audience is found by name or created on the first run.
 * Records are people: identifiers normalised and hashed (normalize.ts), added or removed in upload sessions
 * (upload.ts) that span the run; a replace loads the audience anew through /usersreplace.
 */
import "server-only";
import { directHttpClient } from "@/lib/sync/http";
import { chunks } from "../shared/api";
import { type Connector, type DeliveryState, type DestinationField, DestinationConfigError, type RecordResult, type WriteRecord } from "../types";
import { type MetaAudiencesSecrets, type MetaAudiencesSettings, metaAudiencesSecretsSchema, metaAudiencesSettingsSchema, NEW_AUDIENCE_PREFIX } from "./config";
import { audienceStatus, getAdAccount, getAudience, isCustomerList, listAudiences, resolveAudience } from "./graph";
import { metaAudiencesManifest } from "./manifest";
import { buildRow, IDENTIFIERS, type Identifier, previewPayload, rowOf, schemaOf } from "./normalize";
import { closeSession, type Ctx, type Kind, type MetaState, sendRows, type Sent, summary } from "./upload";

/** Meta takes at most 10,000 rows per request. */
const MAX_ROWS = 10_000;
/** How often a run checks whether Meta finished applying a replace. */
const REPLACE_CHECK_SECONDS = 30;

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

/**
 * Sends rows of one kind, ≤10,000 a request, and turns Meta's answer into a result per record: a row whose
 * value Meta's invalid_entry_samples name fails as rejected with Meta's reason.
 */
async function deliver(ctx: Ctx, state: MetaState, kind: Kind, rows: Row[], schema: readonly string[]) {
  const outcome = new Map<string, { sent: Sent; reason?: string }>();
  for (const chunk of chunks(rows, MAX_ROWS)) {
    const data = chunk.map((r) => rowOf(schema, r.identifiers));
    const sent = await sendRows(ctx, state, kind, [...schema], data);
    chunk.forEach((r, i) => {
      const reason = sent.ok ? data[i]!.map((cell) => sent.samples.get(cell)).find((x) => x !== undefined) : undefined;
      if (reason !== undefined) state.flagged++;
      outcome.set(r.record.key, { sent, reason });
    });
  }
  return outcome;
}

const unionSchema = (rows: Row[]) => IDENTIFIERS.filter((key) => rows.some((r) => r.identifiers[key]));

function resultOf(record: WriteRecord, op: "create" | "update" | "delete", o: { sent: Sent; reason?: string }, identifiers?: Record<string, string>): RecordResult {
  const { sent, reason } = o;
  if (!sent.ok) return { key: record.key, status: "failed", kind: sent.kind, message: sent.message, response: sent.response };
  if (reason !== undefined)
    return { key: record.key, status: "failed", kind: "rejected", message: `Meta counted this row as invalid${reason ? `: ${reason}` : ""}`, response: sent.response };
  return { key: record.key, status: "ok", op, ...(identifiers ? { identifiers } : {}) };
}

async function write(ctx: Ctx, stateIn: DeliveryState, records: WriteRecord[]) {
  const state = structuredClone(stateIn) as unknown as MetaState;
  const replace = ctx.mode === "replace";
  const schema = schemaOf(ctx.fields);
  const results = new Map<string, RecordResult>();
  const adds: Row[] = [];
  const removes: Row[] = [];
  for (const record of records) {
    if (record.op === "delete") {
      const before = sentBefore(record.identifiers);
      // Nothing was sent for it, or the replace leaves it out: nothing to remove.
      if (!before || replace) results.set(record.key, { key: record.key, status: "ok", op: "delete" });
      else removes.push({ record, identifiers: before });
      continue;
    }
    // The match key's field is among the identifiers and never changes for a key: an update names the same person.
    const built = buildRow(record.payload ?? {}, schema);
    if (Object.keys(built.identifiers).length) adds.push({ record, identifiers: built.identifiers });
    else
      results.set(record.key, {
        key: record.key,
        status: "failed",
        kind: "rejected",
        message: `No identifier Meta can match: ${built.problems.join("; ") || "every mapped value is empty"}`,
      });
  }

  const removed = removes.length ? await deliver(ctx, state, "remove", removes, unionSchema(removes)) : new Map();
  for (const r of removes) results.set(r.record.key, resultOf(r.record, "delete", removed.get(r.record.key)!));
  const added = adds.length ? await deliver(ctx, state, replace ? "replace" : "add", adds, schema) : new Map();
  for (const r of adds) results.set(r.record.key, resultOf(r.record, r.record.op === "create" ? "create" : "update", added.get(r.record.key)!, r.identifiers));
  return { results: records.map((r) => results.get(r.key)!), state: state as unknown as DeliveryState };
}

export const metaAudiences: Connector<MetaAudiencesSettings, MetaAudiencesSecrets> = {
  manifest: metaAudiencesManifest,
  settingsSchema: metaAudiencesSettingsSchema,
  secretsSchema: metaAudiencesSecretsSchema,

  async test(connection) {
    const http = directHttpClient();
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

  async listObjects(connection) {
    const audiences = (await listAudiences(directHttpClient(), connection)).filter(isCustomerList);
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

  async listFields(connection, object) {
    if (!object.startsWith(NEW_AUDIENCE_PREFIX)) {
      const audience = await getAudience(directHttpClient(), connection, object);
      if (!isCustomerList(audience)) throw new DestinationConfigError(`"${audience.name}" is not a customer-list audience`);
    }
    return fields;
  },

  checkSync(_connection, sync) {
    return sync.mode === "full" ? "Meta audiences take incremental runs or a replace: a full resend would only add everyone again" : undefined;
  },

  preview(_connection, _object, payload) {
    return previewPayload(payload);
  },

  delivery: {
    async begin(ctx) {
      const audience = await resolveAudience(ctx.http, ctx.connection, ctx.object);
      if (audienceStatus(audience) === "flagged") throw new DestinationConfigError(`Meta blocks uploads to "${audience.name}" until its restrictions are resolved in Audience Manager`);
      const state: MetaState = { audienceId: audience.id, audienceName: audience.name, sessions: {}, generations: {}, totals: {}, flagged: 0 };
      return state as unknown as DeliveryState;
    },

    write,

    async commit(ctx, stateIn) {
      const state = structuredClone(stateIn) as unknown as MetaState;
      for (const kind of ["remove", "add"] as const) await closeSession(ctx, state, kind);
      if (state.sessions.replace && !state.replaceClosed) {
        await closeSession(ctx, state, "replace");
        state.replaceClosed = true;
      }
      if (state.replaceClosed) {
        const status = audienceStatus(await getAudience(ctx.http, ctx.connection, state.audienceId));
        if (status === "replace_error") throw new DestinationConfigError(`Meta could not complete the replace of "${state.audienceName}" (replace_error): run a replace again`);
        if (status === "replacing")
          return { pending: { waitSeconds: REPLACE_CHECK_SECONDS, state: state as unknown as DeliveryState, message: `Meta is replacing the people of "${state.audienceName}"` } };
      }
      if (ctx.mode === "replace" && !state.sessions.replace && !state.totals.replace)
        return { message: `Nothing to replace "${state.audienceName}" with: Meta takes no empty replace, the audience was left as it was` };
      return { message: summary(state) };
    },

    async abort(ctx, stateIn) {
      // An unfinished replace ends now rather than in 90 minutes: Meta keeps what arrived.
      const state = structuredClone(stateIn) as unknown as MetaState;
      if (!state.audienceId) return;
      for (const kind of ["remove", "add", "replace"] as const) await closeSession(ctx, state, kind).catch(() => {});
    },
  },
};
