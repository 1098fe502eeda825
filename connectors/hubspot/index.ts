import "server-only";
import { isRunFatal } from "../shared/api";
import type { Connector, HttpResponse } from "../types";
import { assertAuthorised, describeAnswer, hubspotRequest, refusalMessage } from "./client";
import { type HubspotSecrets, type HubspotSettings, hubspotObjects, hubspotSecretsSchema, hubspotSettingsSchema } from "./config";
import { hubspotManifest } from "./manifest";
import { assertObject, fetchProperties, writableFields } from "./properties";
import { deliveryState, type HubspotState, writeRecords } from "./write";

const PAGE_SIZE = 100;

export const hubspot: Connector<HubspotSettings, HubspotSecrets, HubspotState> = {
  manifest: hubspotManifest,
  settingsSchema: hubspotSettingsSchema,
  secretsSchema: hubspotSecretsSchema,

  /** Reads one record of each object: proves the token, and says which object scopes it lacks. */
  async test({ connection, http }) {
    let answers: HttpResponse[];
    try {
      answers = await Promise.all(hubspotObjects.map((o) => http(hubspotRequest(connection, "GET", `/crm/v3/objects/${o.name}?limit=1&archived=false`))));
    } catch (error) {
      if (isRunFatal(error)) return { ok: false, message: (error as Error).message };
      return { ok: false, message: `Could not reach HubSpot at ${connection.settings.apiBaseUrl}: ${(error as Error).message}` };
    }
    const unauthorised = answers.find((a) => a.status === 401);
    if (unauthorised) return { ok: false, message: refusalMessage(unauthorised, "read records") };
    const readable = hubspotObjects.filter((_, i) => answers[i]!.status === 200).map((o) => o.name);
    const refused = hubspotObjects.flatMap((o, i) => (answers[i]!.status === 200 ? [] : [refusalMessage(answers[i]!, `read ${o.name}`)]));
    if (readable.length === 0) return { ok: false, message: refused.join(" · ") };
    return {
      ok: true,
      message: `Connected to HubSpot: the token reads ${readable.join(", ")} (write access is checked by the first run)${refused.length ? `. ${refused.join(" · ")}` : ""}`,
    };
  },

  async listObjects() {
    return hubspotObjects.map((o) => ({ name: o.name, label: o.label }));
  },

  async listFields({ connection, http }, object) {
    return writableFields(object, await fetchProperties(http, connection, object));
  },

  /** Every record of the object, by its id and its value of the match property (GET /crm/v3/objects/{object}, paged with `after`). */
  async *read(ctx) {
    assertObject(ctx.object);
    let after: string | undefined;
    do {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE), properties: ctx.key, archived: "false", ...(after ? { after } : {}) });
      const answer = await ctx.http(hubspotRequest(ctx.connection, "GET", `/crm/v3/objects/${ctx.object}?${query}`));
      assertAuthorised(answer, `list ${ctx.object}`);
      if (answer.status !== 200) throw new Error(`Listing HubSpot ${ctx.object} failed (${describeAnswer(answer)})`);
      const body = (answer.json ?? {}) as { results?: { id: unknown; properties?: Record<string, unknown> }[]; paging?: { next?: { after?: unknown } } };
      const page = (body.results ?? []).filter((r) => r.properties?.[ctx.key] !== undefined && r.properties[ctx.key] !== null && r.properties[ctx.key] !== "");
      yield page.map((r) => ({ destinationId: String(r.id), key: String(r.properties![ctx.key]) }));
      const next = body.paging?.next?.after;
      after = next === undefined || next === null || next === "" ? undefined : String(next);
    } while (after);
  },

  delivery: {
    async begin(ctx) {
      return deliveryState(ctx, await fetchProperties(ctx.http, ctx.connection, ctx.object));
    },
    async write(ctx, state, records) {
      return { results: await writeRecords(ctx, state, records), state };
    },
    async commit() {
      return {};
    },
    async abort() {},
  },
};
