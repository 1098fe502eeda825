/** Calls the REST API's real route handlers in-process, with a workspace API key. */
import type { Db } from "@/lib/db/client";
import { createApiKey } from "@/lib/db/queries/api-keys";

type Handler = (request: Request, route: { params: Promise<unknown> }) => Promise<Response>;
export type ApiResponse = { status: number; body: { data?: unknown; nextCursor?: string | null; error?: { message: string; fields?: Record<string, string[]> } } };

export async function apiAs(db: Db, workspaceId: string) {
  const { key } = await createApiKey(db, { workspaceId, name: "test" });
  return { key, call: (handler: Handler | undefined, p: CallOptions) => callApi(handler, { ...p, key: p.key === undefined ? key : p.key }) };
}

type CallOptions = { path: string; params?: Record<string, string>; body?: unknown; raw?: string; key?: string | null; method?: string };

async function callApi(handler: Handler | undefined, p: CallOptions): Promise<ApiResponse> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (p.key) headers.authorization = `Bearer ${p.key}`;
  const body = p.raw ?? (p.body === undefined ? undefined : JSON.stringify(p.body));
  const response = await handler!(new Request(`http://localhost/api/v1${p.path}`, { method: p.method ?? (body === undefined ? "GET" : "POST"), headers, body }), {
    params: Promise.resolve(p.params ?? {}),
  });
  return { status: response.status, body: (await response.json()) as ApiResponse["body"] };
}
