/** The Zendesk sandbox's user and organization endpoints (see sandbox.ts), answering in the documented shapes. */
import type { Details, Store, User } from "./sandbox-records";

export type Answer = { status: number; body?: unknown; headers?: Record<string, string> };
export type Request = { method: string; path: string; query: URLSearchParams; body: Record<string, unknown>; at: number };
/** What the routes need from the running sandbox. */
export type Kit = {
  url: string;
  store: Store;
  me: User;
  settings: () => { bulkImport: boolean; role: string; paging: Paging };
  startJob: (jobType: string, total: number, work: () => Record<string, unknown>[]) => Answer;
  /** The 5-a-minute limit on single updates of one user or organization: a 429 when spent. */
  recordLimited: (key: string, at: number, what: string) => Answer | undefined;
};

export const notFound: Answer = { status: 404, body: { error: "RecordNotFound", description: "Not found" } };
export const forbidden: Answer = { status: 403, body: { error: "Forbidden", message: "You do not have access to this page. Please contact the account owner of this help desk for further help." } };
const invalid = (details: Details): Answer => ({ status: 422, body: { error: "RecordInvalid", description: "Record validation errors", details } });
export const describe = (details: Details) => Object.values(details).flat().map((d) => d.description).join(", ");
const tooMany = (what: string): Answer => ({ status: 400, body: { error: "InvalidValue", description: `Too many ${what}: at most 100 per request` } });

/**
 * How an account pages its lists: `cursor` when asked (`page[size]`), else offset; `offset` always (an account
 * or endpoint answering offset pagination only); `unlinked` (a fault: one page with its count, no link onwards).
 */
export type Paging = "cursor" | "offset" | "unlinked";

/** A list page: cursor pagination (meta/links) or offset pagination (next_page/count), links keeping the request's other parameters. */
export function pageOf<T extends { id: number }>(url: string, items: T[], query: URLSearchParams, key: string, path: string, paging: Paging = "cursor"): Answer {
  const sorted = [...items].sort((a, b) => a.id - b.id);
  const size = Math.min(100, Number(query.get("page[size]") ?? query.get("per_page") ?? 100));
  const others = [...query].filter(([name]) => !["page", "per_page", "page[size]", "page[after]", "page[before]"].includes(name));
  const link = (params: Record<string, string>) => `${url}/api/v2${path}.json?${new URLSearchParams([...others, ...Object.entries(params)])}`;
  if (query.has("page[size]") && paging === "cursor") {
    const after = Number(Buffer.from(query.get("page[after]") ?? "", "base64url").toString() || 0);
    const page = sorted.filter((i) => i.id > after).slice(0, size);
    const hasMore = sorted.some((i) => i.id > (page.at(-1)?.id ?? Infinity));
    const cursor = (item?: T) => (item ? Buffer.from(String(item.id)).toString("base64url") : null);
    const next = hasMore ? link({ "page[size]": String(size), "page[after]": cursor(page.at(-1))! }) : null;
    return { status: 200, body: { [key]: page, meta: { has_more: hasMore, after_cursor: cursor(page.at(-1)), before_cursor: cursor(page[0]) }, links: { next, prev: null } } };
  }
  const number = Number(query.get("page") ?? 1);
  const perPage = query.has("per_page") ? size : 100;
  const page = sorted.slice((number - 1) * perPage, number * perPage);
  const next = paging !== "unlinked" && number * perPage < sorted.length ? link({ page: String(number + 1), per_page: String(perPage) }) : null;
  return { status: 200, body: { [key]: page, next_page: next, previous_page: number > 1 ? link({ page: String(number - 1), per_page: String(perPage) }) : null, count: sorted.length } };
}

/** A soft delete: the user stays readable by id, inactive, and no longer matches or lists. */
export function softDelete(user: User | undefined) {
  if (!user?.active) return false;
  user.active = false;
  return true;
}

const byIds = (store: Store, query: URLSearchParams) => {
  const ids = query.get("ids")?.split(",").filter(Boolean);
  if (ids) return ids.map((id) => ({ ref: id, user: store.users.get(Number(id)) }));
  const externalIds = query.get("external_ids")?.split(",").filter(Boolean) ?? [];
  return externalIds.map((ref) => ({ ref, user: store.active().find((u) => u.external_id?.toLowerCase() === ref.toLowerCase()) }));
};

function userReads({ url, store, me, settings }: Kit, { method, path, query }: Request): Answer | undefined {
  if (method !== "GET") return undefined;
  const id = path.match(/^\/users\/(\d+)$/)?.[1];
  if (path === "/users/me") return { status: 200, body: { user: store.users.get(me.id) } };
  if (path === "/users") {
    const roles = [...query.getAll("role"), ...query.getAll("role[]")];
    return pageOf(url, store.active().filter((u) => !roles.length || roles.includes(u.role)), query, "users", path, settings().paging);
  }
  if (path === "/users/search") {
    const [field, value] = (query.get("query") ?? "").split(/:(.*)/s) as [string, string | undefined];
    const wanted = value?.replace(/^"|"$/g, "").toLowerCase();
    const found = store.active().filter((u) => wanted !== undefined && ["email", "external_id"].includes(field) && u[field]?.toString().toLowerCase() === wanted);
    return { status: 200, body: { users: found, next_page: null, previous_page: null, count: found.length } };
  }
  if (path === "/users/show_many") return { status: 200, body: { users: byIds(store, query).flatMap((r) => (r.user?.active ? [r.user] : [])) } };
  if (id) return store.users.has(Number(id)) ? { status: 200, body: { user: store.users.get(Number(id)) } } : notFound;
  return undefined;
}

function userWrites({ store, settings, recordLimited }: Kit, { method, path, body, at }: Request): Answer | undefined {
  const input = (body.user ?? {}) as Record<string, unknown>;
  const id = path.match(/^\/users\/(\d+)$/)?.[1];
  if (method === "POST" && path === "/users") {
    const outcome = store.saveUser(undefined, input);
    return outcome.ok ? { status: 201, body: { user: outcome.record } } : invalid(outcome.details);
  }
  if (method === "POST" && path === "/users/create_or_update") {
    const existing = store.matchUser(input);
    const limited = recordLimited(`user:${existing?.id ?? String(input.external_id ?? input.email).toLowerCase()}`, at, "user");
    if (limited) return limited;
    const outcome = store.saveUser(existing, input);
    if (!outcome.ok) return invalid(outcome.details);
    return { status: outcome.created ? 201 : 200, body: { user: outcome.record }, headers: { location: `/api/v2/users/${outcome.record.id}.json` } };
  }
  if (method === "PUT" && id) {
    const user = store.users.get(Number(id));
    if (!user?.active) return notFound;
    const outcome = store.saveUser(user, input);
    return outcome.ok ? { status: 200, body: { user: outcome.record } } : invalid(outcome.details);
  }
  if (method === "DELETE" && id) {
    if (settings().role !== "admin") return forbidden;
    const user = store.users.get(Number(id));
    return softDelete(user) ? { status: 200, body: { user } } : notFound;
  }
  return undefined;
}

function userJobs({ store, settings, startJob }: Kit, { method, path, query, body }: Request): Answer | undefined {
  if (method === "POST" && (path === "/users/create_or_update_many" || path === "/users/create_many")) {
    if (!settings().bulkImport) return forbidden;
    const list = (body.users ?? []) as Record<string, unknown>[];
    if (list.length > 100) return tooMany("users");
    if (path === "/users/create_many")
      return startJob("bulk_create_users", list.length, () =>
        list.map((u, index) => {
          const outcome = store.saveUser(undefined, u);
          return outcome.ok ? { id: outcome.record.id, index } : { index, error: "UserCreateError", details: describe(outcome.details), status: "Failed" };
        }),
      );
    // Results in request order; a failed item's id is the matched user's, else its index (the sheet's example shows a small number).
    return startJob("bulk_create_or_update_users", list.length, () =>
      list.map((u, index) => {
        const outcome = store.saveUser(store.matchUser(u), u);
        if (outcome.ok) return { id: outcome.record.id, status: outcome.created ? "Created" : "Updated", email: outcome.record.email };
        return { id: outcome.existing?.id ?? index, error: outcome.existing ? "UserUpdateError" : "UserCreateError", details: describe(outcome.details), status: "Failed" };
      }),
    );
  }
  if (method === "PUT" && path === "/users/update_many") {
    const input = (body.user ?? {}) as Record<string, unknown>;
    const targets = body.users ? (body.users as Record<string, unknown>[]).map((u) => ({ ref: String(u.id), user: store.users.get(Number(u.id)), input: u })) : byIds(store, query).map((r) => ({ ...r, input }));
    if (targets.length > 100) return tooMany("users");
    return startJob("bulk_update_users", targets.length, () =>
      targets.map(({ ref, user, input: change }) => {
        if (!user?.active) return { id: Number(ref) || ref, action: "update", success: false, status: "Failed", error: "RecordNotFound" };
        const outcome = store.saveUser(user, { ...change, id: undefined });
        return outcome.ok ? { id: user.id, action: "update", success: true, status: "Updated" } : { id: user.id, action: "update", success: false, status: "Failed", error: describe(outcome.details) };
      }),
    );
  }
  if (method === "DELETE" && path === "/users/destroy_many") {
    const targets = byIds(store, query);
    if (targets.length > 100) return tooMany("users");
    if (settings().role !== "admin") return forbidden;
    return startJob("bulk_delete_users", targets.length, () =>
      targets.map(({ ref, user }) =>
        softDelete(user) ? { id: user!.id, action: "delete", success: true, status: "Deleted" } : { id: Number(ref) || ref, action: "delete", success: false, status: "Failed", error: "RecordNotFound" },
      ),
    );
  }
  return undefined;
}

export const usersRoute = (kit: Kit, req: Request) => userReads(kit, req) ?? userJobs(kit, req) ?? userWrites(kit, req);

export function organizationsRoute({ url, store, settings, startJob, recordLimited }: Kit, { method, path, query, body, at }: Request): Answer | undefined {
  const input = (body.organization ?? {}) as Record<string, unknown>;
  const id = path.match(/^\/organizations\/(\d+)$/)?.[1];
  const all = () => [...store.organizations.values()];
  const same = (a: string | null, b: string | null) => a !== null && b !== null && a.toLowerCase() === b.toLowerCase();
  if (method === "GET" && path === "/organizations") return pageOf(url, all(), query, "organizations", path, settings().paging);
  if (method === "GET" && path === "/organizations/search") {
    const found = all().filter((o) => same(o.name, query.get("name")) || same(o.external_id, query.get("external_id")));
    return { status: 200, body: { organizations: found, next_page: null, previous_page: null, count: found.length } };
  }
  if (method === "GET" && id) return store.organizations.has(Number(id)) ? { status: 200, body: { organization: store.organizations.get(Number(id)) } } : notFound;
  const saved = (outcome: ReturnType<Store["saveOrganization"]>) =>
    outcome.ok ? { status: outcome.created ? 201 : 200, body: { organization: outcome.record }, headers: { location: `/api/v2/organizations/${outcome.record.id}.json` } } : invalid(outcome.details);
  if (method === "POST" && path === "/organizations") return saved(store.saveOrganization(undefined, input));
  if (method === "POST" && path === "/organizations/create_or_update") {
    const existing = store.matchOrganization(input);
    return (existing && recordLimited(`organization:${existing.id}`, at, "organization")) || saved(store.saveOrganization(existing, input));
  }
  if (method === "POST" && path === "/organizations/create_many") {
    const list = (body.organizations ?? []) as Record<string, unknown>[];
    if (list.length > 100) return tooMany("organizations");
    return startJob("bulk_create_organizations", list.length, () =>
      list.map((o, index) => {
        const outcome = store.saveOrganization(undefined, o);
        return outcome.ok ? { id: outcome.record.id, index } : { index, error: "OrganizationCreateError", details: describe(outcome.details), status: "Failed" };
      }),
    );
  }
  if (method === "PUT" && id) {
    const existing = store.organizations.get(Number(id));
    if (!existing) return notFound;
    return recordLimited(`organization:${existing.id}`, at, "organization") ?? saved(store.saveOrganization(existing, input));
  }
  if (method === "DELETE" && id) return store.organizations.delete(Number(id)) ? { status: 204 } : notFound;
  return undefined;
}
