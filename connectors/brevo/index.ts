import "server-only";
import { PublicError } from "@/lib/errors";
import { type Connector, DestinationConfigError, type DestinationObject, type HttpClient } from "../types";
import { attributeTypes, type AttributeTypes, type BrevoAttribute, contactFields, unknownAttributes } from "./attributes";
import { assertAuthorised, brevoCall, type Connection, credentialsProblem, messageOf } from "./client";
import { type BrevoSecrets, type BrevoSettings, brevoSecretsSchema, brevoSettingsSchema, onLeaveOf } from "./config";
import { writeContacts } from "./contacts";
import { brevoManifest } from "./manifest";
import { productFields, writeProducts } from "./products";

const OBJECTS: DestinationObject[] = [
  { name: "contacts", label: "Contacts", description: "Contacts with their attributes, added to the lists the connection names (and taken off them when they leave)" },
  { name: "products", label: "Products", description: "E-commerce products (needs Brevo's eCommerce app)" },
];
/** GET /contacts pages at most 1,000 contacts [B5]. */
const PAGE = 1_000;

async function readAttributes(connection: Connection, http: HttpClient): Promise<BrevoAttribute[]> {
  const a = await brevoCall(http, connection, "GET", "/contacts/attributes");
  assertAuthorised(a);
  const attributes = (a.json as { attributes?: unknown } | undefined)?.attributes;
  if (a.status !== 200 || !Array.isArray(attributes)) throw new DestinationConfigError(`Brevo did not list the contact attributes (${messageOf(a)})`);
  return attributes as BrevoAttribute[];
}

function assertObject(object: string) {
  if (!OBJECTS.some((o) => o.name === object)) throw new DestinationConfigError(`Brevo has no object "${object}" here: pick contacts or products`);
}

export const brevo: Connector<BrevoSettings, BrevoSecrets> = {
  manifest: brevoManifest,
  settingsSchema: brevoSettingsSchema,
  secretsSchema: brevoSecretsSchema,

  async test({ connection, http }) {
    try {
      const a = await brevoCall(http, connection, "GET", "/account");
      const problem = credentialsProblem(a);
      if (problem) return { ok: false, message: problem };
      if (a.status !== 200) return { ok: false, message: `Brevo answered GET /account with ${messageOf(a)}` };
      const account = (a.json ?? {}) as { email?: string; companyName?: string };
      return { ok: true, message: `Connected to the Brevo account ${[account.companyName, account.email && `<${account.email}>`].filter(Boolean).join(" ") || "of this key"}` };
    } catch (error) {
      if (error instanceof PublicError) return { ok: false, message: error.message };
      return { ok: false, message: `Could not reach Brevo at ${connection.settings.apiBaseUrl}: ${(error as Error).message}` };
    }
  },

  async listObjects() {
    return OBJECTS;
  },

  async listFields({ connection, http }, object) {
    assertObject(object);
    return object === "products" ? productFields : contactFields(await readAttributes(connection, http));
  },

  // The contract passes the whole sync config; only contacts can be listed back for a replace.
  checkSync(_ctx, sync) {
    if (sync.mode === "replace" && sync.object === "products") return "Brevo cannot list products, so a replace cannot tell which to remove: replace works for contacts";
    return undefined;
  },

  /** Every contact of the account by its Brevo id and the value of the match key (contacts without one are not the sync's). */
  async *read(ctx) {
    if (ctx.object !== "contacts") throw new DestinationConfigError("Brevo cannot list products: a replace works for contacts only");
    const keyOf = (c: { email?: string; attributes?: Record<string, unknown> }) =>
      ctx.key === "email" ? c.email : ctx.key === "ext_id" ? (c.attributes?.EXT_ID ?? (c as { ext_id?: unknown }).ext_id) : c.attributes?.[ctx.key.toUpperCase()];
    // The next page starts after what this one held (a page may hold fewer than asked); the count says when all are read.
    for (let offset = 0; ; ) {
      const a = await brevoCall(ctx.http, ctx.connection, "GET", `/contacts?limit=${PAGE}&offset=${offset}`);
      assertAuthorised(a);
      const page = a.json as { contacts?: { id: number; email?: string; attributes?: Record<string, unknown> }[]; count?: number } | undefined;
      if (a.status !== 200 || !Array.isArray(page?.contacts)) throw new Error(`Listing the Brevo contacts failed: ${messageOf(a)}`);
      yield page.contacts.flatMap((c) => {
        const key = keyOf(c);
        return key === undefined || key === null || key === "" ? [] : [{ destinationId: String(c.id), key: String(key) }];
      });
      offset += page.contacts.length;
      if (typeof page.count !== "number") {
        if (page.contacts.length < PAGE) return;
      } else if (offset >= page.count) return;
      else if (page.contacts.length === 0)
        throw new DestinationConfigError(`Brevo listed ${offset} of its ${page.count} contacts, then an empty page: stopped rather than act on part of the list`);
    }
  },

  delivery: {
    /** Reads the attributes' types once per run: values are converted to them, since Brevo drops mismatched values silently. */
    async begin(ctx) {
      assertObject(ctx.object);
      if (ctx.object !== "contacts") return {};
      // Settings are stored as saved: one saved before the rule existed may still ask for this without lists.
      if (onLeaveOf(ctx.connection.settings) === "remove_from_lists" && !ctx.connection.settings.listIds.length)
        throw new DestinationConfigError("On leave remove_from_lists needs at least one list: name the connection's lists, or choose delete_contact");
      const types = attributeTypes(await readAttributes(ctx.connection, ctx.http));
      const missing = unknownAttributes(ctx.fields, types);
      if (missing.length) throw new DestinationConfigError(`The Brevo account has no contact attribute ${missing.join(", ")} any more: create it in Brevo or change the mapping`);
      // Only the mapped attributes: the state is stored with the run.
      return { types: Object.fromEntries(ctx.fields.map((f) => f.toUpperCase()).filter((f) => types[f]).map((f) => [f, types[f]])) };
    },
    async write(ctx, state, records) {
      if (ctx.object === "products") return { results: await writeProducts(ctx, records), state };
      const results = await writeContacts(ctx, state.types as AttributeTypes, records);
      if (onLeaveOf(ctx.connection.settings) === "delete_contact") return { results, state };
      // The run counts these as deleted: the commit says what that meant here.
      const unlinked = results.filter((r) => r.status === "ok" && r.op === "delete").length;
      return { results, state: unlinked ? { ...state, unlinked: Number(state.unlinked ?? 0) + unlinked } : state };
    },
    async commit(ctx, state) {
      const unlinked = Number(state.unlinked ?? 0);
      if (!unlinked) return {};
      const lists = ctx.connection.settings.listIds;
      return { message: `${unlinked} ${unlinked === 1 ? "contact that left was" : "contacts that left were"} taken off list${lists.length > 1 ? "s" : ""} ${lists.join(", ")} and kept in Brevo.` };
    },
    async abort() {},
  },
};
