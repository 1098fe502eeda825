import "server-only";
import { NextResponse } from "next/server";
import { z } from "zod";
import type { Actor } from "@/lib/audit";
import { currentMember } from "@/lib/auth/session";
import { type Db, getDb } from "@/lib/db/client";
import { verifyApiKey } from "@/lib/db/queries/api-keys";
import { fieldErrorsOf, PublicError } from "@/lib/errors";
import { publicFailure } from "@/lib/public-failure";
import { text } from "@/lib/validation/text";

const MAX_BODY_BYTES = 10 * 1024 * 1024;

type Method = "GET" | "POST" | "PATCH" | "DELETE";
export type ApiContext<P, Q, B> = { params: P; query: Q; body: B; db: Db; workspaceId: string; actor: Actor; request: Request };
export type ApiResult = { data: unknown; nextCursor?: string | null; status?: number } | { response: Response };

/** One REST endpoint: its zod schemas drive both the handler and the OpenAPI document. */
export type RouteSpec<P = unknown, Q = unknown, B = unknown, M extends Method = Method> = {
  method: M;
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** When the body's shape depends on the path (records of one entity). */
  bodyFor?: (params: P) => z.ZodType<B>;
  success?: number;
  response?: z.ZodType;
  handle: (ctx: ApiContext<P, Q, B>) => Promise<ApiResult>;
};

export const defineRoute = <P, Q, B, const M extends Method>(spec: RouteSpec<P, Q, B, M>) => spec;

// The registry holds specs of every shape; each is type-checked where it is defined.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRouteSpec = RouteSpec<any, any, any>;
type Handler = (request: Request, route: { params: Promise<unknown> }) => Promise<Response>;

const apiError = (status: number, message: string, fields?: Record<string, string[]>) =>
  NextResponse.json({ error: fields ? { message, fields } : { message } }, { status });

const withHeader = (response: Response, name: string, value: string) => (response.headers.set(name, value), response);

/** The body as text, counted chunk by chunk while it streams in: past the limit it is refused, never held whole. */
async function readText(request: Request): Promise<string> {
  const tooBig = new PublicError("The body is larger than 10 MB: send smaller batches", { status: 413 });
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) throw tooBig;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    size += next.value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooBig;
    }
    chunks.push(next.value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

async function readJson(request: Request): Promise<unknown> {
  const text = await readText(request);
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PublicError(`The body is not valid JSON (${(error as Error).message})`, { status: 400 });
  }
}

/**
 * An API key, or for reads only the browser's session (the app's links to CSV exports): a cookie never
 * authorises a change, so a forged cross-site request cannot make one.
 */
async function authenticate(db: Db, request: Request): Promise<{ workspaceId: string; actor: Actor }> {
  const header = request.headers.get("authorization") ?? "";
  const key = header.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!key && request.method === "GET" && request.headers.has("cookie")) {
    const member = await currentMember();
    if (member) return { workspaceId: member.workspaceId, actor: { type: "user", id: member.userId, label: member.email } };
  }
  if (!key) throw new PublicError("Missing API key: send the header Authorization: Bearer <key>", { status: 401 });
  const verified = await verifyApiKey(db, key);
  if (!verified) throw new PublicError("Invalid or revoked API key", { status: 401 });
  return { workspaceId: verified.workspaceId, actor: { type: "api_key", id: verified.keyId, label: verified.label } };
}

/** The Next route handler of one spec: key → workspace → zod parse → run → `{ data }` or `{ error }`. */
export function routeHandler<P, Q, B>(spec: RouteSpec<P, Q, B>): Handler {
  return async (request, route) => {
    try {
      const db = getDb();
      const { workspaceId, actor } = await authenticate(db, request);
      const params = (spec.params ?? z.object({})).safeParse((await route?.params) ?? {});
      if (!params.success) return apiError(404, params.error.issues[0]?.message ?? "Not found");
      const query = (spec.query ?? z.object({})).safeParse(Object.fromEntries(new URL(request.url).searchParams));
      if (!query.success) return apiError(400, "The query parameters do not fit", fieldErrorsOf(query.error));
      let body: unknown;
      const bodySchema = spec.bodyFor ? spec.bodyFor(params.data as P) : spec.body;
      if (bodySchema) {
        const parsed = bodySchema.safeParse(await readJson(request));
        if (!parsed.success) return apiError(422, "The body does not match what this endpoint expects", fieldErrorsOf(parsed.error));
        body = parsed.data;
      }
      const result = await spec.handle({ params: params.data as P, query: query.data as Q, body: body as B, db, workspaceId, actor, request });
      if ("response" in result) return result.response;
      const payload = result.nextCursor === undefined ? { data: result.data } : { data: result.data, nextCursor: result.nextCursor };
      return NextResponse.json(payload, { status: result.status ?? spec.success ?? 200 });
    } catch (error) {
      const failure = publicFailure(error, "API route");
      const response = apiError(failure.status, failure.message, failure.fields);
      return failure.retryAfterSeconds === undefined ? response : withHeader(response, "retry-after", String(failure.retryAfterSeconds));
    }
  };
}

/** The handlers of a route file, by method. */
export function routeHandlers<S extends AnyRouteSpec[]>(...specs: S) {
  return Object.fromEntries(specs.map((s) => [s.method, routeHandler(s)])) as { [K in S[number]["method"]]: Handler };
}

/** `?limit=&cursor=` for every list of rows keyed by id: the cursor is the `nextCursor` of the page before. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid({ error: "Not a cursor of this list: pass the nextCursor of the previous page" }).optional(),
});

/** A path or query value that names something by text (a record key, a destination object). */
export const nameParam = text().min(1).max(1_000);

export const idParams = z.object({ id: z.uuid({ error: "Not found" }) });
