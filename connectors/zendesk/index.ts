import "server-only";
import { PublicError } from "@/lib/errors";
import { type Connector, DestinationConfigError } from "../types";
import { type Api, call, describe, ok, pages } from "./client";
import { baseUrlOf, type ZendeskSecrets, type ZendeskSettings, zendeskSecretsSchema, zendeskSettingsSchema } from "./config";
import { discoverFields, isObjectName, keyOf, type ObjectName, objects } from "./fields";
import { zendeskManifest } from "./manifest";
import { writeOrganizations } from "./organizations";
import type { ZendeskState } from "./results";
import { writeUsers } from "./users";

function objectOf(name: string): ObjectName {
  if (!isObjectName(name)) throw new DestinationConfigError(`Zendesk has no object "${name}" here: pick users or organizations`);
  return name;
}

async function testConnection(api: Api) {
  const connection = api.connection;
  const base = baseUrlOf(connection.settings);
  try {
    const a = await call(api, "GET", "/users/me");
    if (a.status === 401) return { ok: false as const, message: `Zendesk refused the email and API token (${describe(a)}): check both, and that token access is on (Admin Center → Apps and integrations → Zendesk API)` };
    if (a.status === 404) return { ok: false as const, message: `No Zendesk account answers at ${base}: check the subdomain` };
    if (!ok(a)) return { ok: false as const, message: `Zendesk answered ${describe(a)} to GET /api/v2/users/me` };
    const me = (a.json as { user?: { id?: unknown; name?: string; role?: string } }).user;
    if (!me?.id) return { ok: false as const, message: "Zendesk did not recognise the credentials (it answered as an anonymous user): check the email and API token" };
    if (me.role === "end-user") return { ok: false as const, message: `${connection.settings.email} is an end user in Zendesk: the API needs an agent or an admin` };
    const deletes = me.role === "admin" ? "" : " As an agent it cannot delete users: on-leave delete and replace need an admin.";
    return { ok: true as const, message: `Connected to ${base} as ${me.name ?? connection.settings.email} (${me.role ?? "unknown role"}).${deletes}` };
  } catch (error) {
    if (error instanceof PublicError) return { ok: false as const, message: error.message };
    return { ok: false as const, message: `Could not reach Zendesk at ${base}: ${(error as Error).message}` };
  }
}

export const zendesk: Connector<ZendeskSettings, ZendeskSecrets, ZendeskState> = {
  manifest: zendeskManifest,
  settingsSchema: zendeskSettingsSchema,
  secretsSchema: zendeskSecretsSchema,

  test: testConnection,

  async listObjects() {
    return Object.entries(objects).map(([name, o]) => ({ name, label: o.label, description: o.description }));
  },

  async listFields(ctx, object) {
    return discoverFields(ctx, objectOf(object));
  },

  /** Every end user (users) or organization Zendesk holds with a value for the match key; agents and admins are never listed, so never deleted. */
  async *read(ctx) {
    const object = objectOf(ctx.object);
    const path = object === "users" ? "/users?role=end-user" : "/organizations";
    for await (const page of pages<Record<string, unknown>>(ctx, path, object))
      yield page.flatMap((r) => {
        const key = r.active === false ? undefined : keyOf(object, r, ctx.key);
        return key === undefined ? [] : [{ destinationId: String(r.id), key }];
      });
  },

  delivery: {
    async begin() {
      return {};
    },
    async write(ctx, state, records) {
      if (objectOf(ctx.object) === "users") return writeUsers(ctx, state, records);
      return { results: await writeOrganizations(ctx, records), state };
    },
    /** The run's page says when Zendesk refused a bulk endpoint and the run fell back to single calls. */
    async commit(_ctx, state) {
      const notes = state.notes ?? [];
      return notes.length ? { message: notes.join(" ") } : {};
    },
    async abort() {},
  },
};
