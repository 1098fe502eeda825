/** The HubSpot sandbox's read endpoints: batch read, list (paged by an opaque `after` cursor) and search (its index lags writes; 10,000 results at most). */
import crypto from "node:crypto";
import type { ObjectType, SandboxRecord, SandboxStore } from "./sandbox-store";

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
export type Input = { id?: unknown; idProperty?: string; properties?: Record<string, unknown>; objectWriteTraceId?: unknown };

/** HubSpot's error body. */
export const hubspotError = (category: string, message: string, extra: Record<string, unknown> = {}) => ({ status: "error", message, correlationId: crypto.randomUUID(), category, ...extra });

const DEFAULT_PROPERTIES = ["hs_object_id", "createdate", "lastmodifieddate", "hs_lastmodifieddate"];

/** A record as HubSpot answers it: the properties asked for (with those it always sends), or every one. */
export const viewOf = (r: SandboxRecord, only?: string[]) => ({
  id: r.id,
  properties: only ? Object.fromEntries([...new Set([...only, ...DEFAULT_PROPERTIES.filter((p) => r.properties[p] !== undefined)])].map((p) => [p, r.properties[p] ?? null])) : { ...r.properties },
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  archived: false,
});

type ReadContext = {
  store: SandboxStore;
  settings: () => { maxPageSize: number; searchLagMs: number; timeScale: number };
  isUnique: (t: ObjectType, name: string) => boolean;
  nonUnique: (t: ObjectType, name: unknown) => Reply;
  batchReply: (okStatus: number, results: unknown[], errors: unknown[], startedAt: string) => Reply;
  notFound: (t: ObjectType, missing: Input[]) => unknown;
  stamp: () => string;
};

export function createReads({ store, settings, isUnique, nonUnique, batchReply, notFound, stamp }: ReadContext) {
  function read(t: ObjectType, body: { inputs: Input[]; idProperty?: string; properties?: string[]; propertiesWithHistory?: string[] }): Reply {
    const startedAt = stamp();
    if (body.propertiesWithHistory?.length && body.inputs.length > 50)
      return { status: 400, body: hubspotError("VALIDATION_ERROR", `The maximum number of inputs supported in a batch request for property histories is 50, but ${body.inputs.length} inputs were provided.`) };
    if (body.idProperty && !isUnique(t, body.idProperty)) return nonUnique(t, body.idProperty);
    const found = body.inputs.map((i) => ({ input: i, record: body.idProperty ? store.holder(t, body.idProperty, String(i.id)) : store.records[t].get(String(i.id)) }));
    const missing = found.filter((f) => !f.record).map((f) => f.input);
    const results = found.flatMap((f) => (f.record ? [viewOf(f.record, body.properties ?? [])] : []));
    return batchReply(200, results, missing.length ? [notFound(t, missing)] : [], startedAt);
  }

  function list(t: ObjectType, url: URL): Reply {
    const limit = Math.min(Math.max(1, Number(url.searchParams.get("limit")) || 10), settings().maxPageSize);
    const source = url.searchParams.get("archived") === "true" ? store.archived[t] : store.records[t];
    const all = [...source.values()].sort((a, b) => Number(a.id) - Number(b.id));
    // `after` is an opaque cursor (HubSpot's look like "NTI1Cg%3D%3D"): here the next record's id, encoded.
    const after = Buffer.from(url.searchParams.get("after") ?? "", "base64url").toString();
    const found = after ? all.findIndex((r) => Number(r.id) >= Number(after)) : 0;
    const start = found === -1 ? all.length : found;
    const page = all.slice(start, start + limit);
    const next = all[start + limit] && Buffer.from(all[start + limit]!.id).toString("base64url");
    const only = url.searchParams.get("properties")?.split(",").filter(Boolean);
    const link = (a: string) => `${url.pathname}?${new URLSearchParams({ ...Object.fromEntries(url.searchParams), after: a })}`;
    return { status: 200, body: { results: page.map((r) => viewOf(r, only ?? [])), ...(next ? { paging: { next: { after: next, link: link(next) } } } : {}) } };
  }

  type Filter = { propertyName?: string; operator?: string; value?: unknown; values?: unknown[] };
  function search(t: ObjectType, body: { filterGroups?: { filters?: Filter[] }[]; properties?: string[]; limit?: number; after?: string | number }): Reply {
    const limit = Math.min(Math.max(1, Number(body.limit) || 10), 200);
    const after = Number(body.after ?? 0) || 0;
    if (after + limit > 10_000) return { status: 400, body: hubspotError("VALIDATION_ERROR", "Search results are limited to 10,000 records per query") }; // wording assumed
    const same = (a: unknown, b: unknown) => String(a ?? "").toLowerCase() === String(b ?? "").toLowerCase();
    const matches = (r: SandboxRecord, f: Filter) => {
      const v = r.properties[f.propertyName ?? ""];
      if (f.operator === "HAS_PROPERTY") return v !== undefined;
      if (f.operator === "NOT_HAS_PROPERTY") return v === undefined;
      if (f.operator === "NEQ") return !same(v, f.value);
      if (f.operator === "IN") return (f.values ?? []).some((x) => same(v, x));
      return same(v, f.value);
    };
    const groups = body.filterGroups?.length ? body.filterGroups : [{ filters: [] }];
    const indexedBefore = Date.now() - settings().searchLagMs * settings().timeScale;
    const hits = [...store.records[t].values()]
      .filter((r) => r.updatedMs <= indexedBefore && groups.some((g) => (g.filters ?? []).every((f) => matches(r, f))))
      .sort((a, b) => Number(a.id) - Number(b.id));
    const page = hits.slice(after, after + limit);
    return { status: 200, body: { total: hits.length, results: page.map((r) => viewOf(r, body.properties ?? [])), ...(after + limit < hits.length ? { paging: { next: { after: String(after + limit) } } } : {}) } };
  }

  return { read, list, search };
}
