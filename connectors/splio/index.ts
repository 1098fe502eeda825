import "server-only";
import { PublicError } from "@/lib/errors";
import { type Connector, DestinationConfigError } from "../types";
import { forgetToken, splioCall, splioMessage, splioPages } from "./client";
import { type SplioObject, splioObjects, type SplioSecrets, type SplioSettings, splioSecretsSchema, splioSettingsSchema } from "./config";
import { discoverFields } from "./fields";
import { splioManifest } from "./manifest";
import { type WriteState, writeBatch } from "./write";

const labels: Record<SplioObject, { label: string; description: string }> = {
  contacts: { label: "Contacts", description: "Matched on the universe's unique key (email, cellphone or a custom field)" },
  products: { label: "Products", description: "Matched on external_id" },
  orders: { label: "Orders", description: "Matched on external_id; the contact, the store and the products must exist in Splio" },
};

function asObject(object: string): SplioObject {
  if (!(splioObjects as readonly string[]).includes(object)) throw new DestinationConfigError(`Splio has no object "${object}": pick contacts, products or orders`);
  return object as SplioObject;
}

type Listed = { email?: unknown; cellphone?: unknown; external_id?: unknown; custom_fields?: { id?: unknown; value?: unknown }[] };

/** Where the listed record carries its key: the contact's unique key (email, cellphone, custom field N), else external_id. */
function listedKey(uniqueKey: string | undefined): (el: Listed) => unknown {
  if (uniqueKey === "email" || uniqueKey === "cellphone") return (el) => el[uniqueKey];
  const custom = /^c(\d+)$/.exec(uniqueKey ?? "")?.[1];
  if (custom !== undefined) return (el) => el.custom_fields?.find((f) => String(f.id) === custom)?.value;
  return (el) => el.external_id;
}

/** The list endpoints: orders and abandoned carts are listed apart. */
const listPaths: Record<SplioObject, string[]> = {
  contacts: ["/data/contacts"],
  products: ["/data/v1/products"],
  orders: ["/data/v1/orders", "/data/v1/orders/abandoned"],
};

export const splio: Connector<SplioSettings, SplioSecrets, WriteState> = {
  manifest: splioManifest,
  settingsSchema: splioSettingsSchema,
  secretsSchema: splioSecretsSchema,

  async test(ctx) {
    const { connection } = ctx;
    forgetToken(connection);
    try {
      const a = await splioCall(ctx, { method: "GET", path: "/universes/unique-key" });
      const uniqueKey = (a.json as { unique_key?: unknown } | undefined)?.unique_key;
      if (a.status !== 200 || typeof uniqueKey !== "string") return { ok: false, message: `The API key is valid, but GET /universes/unique-key answered ${splioMessage(a)}` };
      return { ok: true, message: `Connected: the API key was exchanged for a token, and the universe identifies contacts by ${uniqueKey}` };
    } catch (error) {
      if (error instanceof DestinationConfigError || error instanceof PublicError) return { ok: false, message: error.message };
      return { ok: false, message: `Could not reach Splio at ${connection.settings.apiBaseUrl}: ${(error as Error).message}` };
    }
  },

  async listObjects() {
    return splioObjects.map((name) => ({ name, ...labels[name] }));
  },

  async listFields(ctx, object) {
    return (await discoverFields(ctx, asObject(object))).fields;
  },

  async *read(ctx) {
    const object = asObject(ctx.object);
    const { uniqueKey } = await discoverFields(ctx, object);
    const keyOf = listedKey(object === "contacts" ? uniqueKey : undefined);
    for (const path of listPaths[object])
      for await (const page of splioPages<Listed>(ctx, path, `the ${object}`))
        yield page.flatMap((el) => {
          const key = keyOf(el);
          return key === undefined || key === null || key === "" ? [] : [{ destinationId: String(key), key: String(key) }];
        });
  },

  delivery: {
    async begin(ctx) {
      const object = asObject(ctx.object);
      const fields = await discoverFields(ctx, object);
      if (fields.key !== ctx.key)
        throw new DestinationConfigError(`Splio identifies ${object} by "${fields.key}", but this sync matches on "${ctx.key}": change the sync's match key`);
      return { custom: fields.custom };
    },
    async write(ctx, state, records) {
      return { results: await writeBatch(ctx, state, records), state };
    },
    async commit() {
      return {};
    },
    async abort() {},
  },
};
