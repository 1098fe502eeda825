import "server-only";
import { z } from "zod";
import type { AnyRouteSpec } from "./route";

type Json = Record<string, unknown>;

/** JSON Schema of a zod schema, its local $defs hoisted into components (renamed under `prefix`). */
function toSchema(schema: z.ZodType, io: "input" | "output", prefix: string, components: Record<string, Json>): Json {
  const generated = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any", cycles: "ref", reused: "inline" }) as Json;
  const { $defs, ...withSchema } = generated as { $defs?: Record<string, Json> };
  const root = Object.fromEntries(Object.entries(withSchema).filter(([k]) => k !== "$schema"));
  const rename = (name: string) => `${prefix}_${name.replace(/[^A-Za-z0-9_]/g, "")}`;
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node && typeof node === "object") {
      const out: Json = {};
      for (const [k, v] of Object.entries(node)) out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/$defs/") ? `#/components/schemas/${rename(v.slice(8))}` : rewrite(v);
      return out;
    }
    return node;
  };
  for (const [name, def] of Object.entries($defs ?? {})) components[rename(name)] = rewrite(def) as Json;
  return rewrite(root) as Json;
}

const errorBody = { type: "object", properties: { error: { type: "object", properties: { message: { type: "string" }, fields: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } } }, required: ["message"] } } };

/** The OpenAPI 3.1 document of the REST API, generated from the routes' own zod schemas. */
export function buildOpenApi(routes: AnyRouteSpec[], serverUrl: string) {
  const components: Record<string, Json> = {};
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const operationId = `${route.method.toLowerCase()}${route.path.replace(/\{(\w+)\}/g, "By_$1").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`;
    const parameters: Json[] = [];
    for (const [kind, schema] of [["path", route.params], ["query", route.query]] as const) {
      if (!schema) continue;
      const json = toSchema(schema as z.ZodType, "input", operationId, components) as { properties?: Record<string, Json>; required?: string[] };
      for (const [name, prop] of Object.entries(json.properties ?? {}))
        parameters.push({ name, in: kind, required: kind === "path" || (json.required ?? []).includes(name), schema: prop });
    }
    const success = String(route.success ?? 200);
    const data = route.response ? toSchema(route.response, "output", `${operationId}Response`, components) : {};
    const operation: Json = {
      operationId,
      summary: route.summary,
      tags: [route.tag],
      security: [{ apiKey: [] }],
      parameters,
      responses: {
        [success]: { description: "Success", content: { "application/json": { schema: { type: "object", properties: { data, nextCursor: { type: ["string", "null"] } }, required: ["data"] } } } },
        "400": { description: "Malformed JSON or query", content: { "application/json": { schema: errorBody } } },
        "401": { description: "Missing, invalid or revoked API key", content: { "application/json": { schema: errorBody } } },
        "404": { description: "Not found in this workspace", content: { "application/json": { schema: errorBody } } },
        "409": { description: "Conflicts with the current state", content: { "application/json": { schema: errorBody } } },
        "413": { description: "Body over 10 MB", content: { "application/json": { schema: errorBody } } },
        "422": { description: "The body does not fit; `fields` names each problem by path", content: { "application/json": { schema: errorBody } } },
        "503": { description: "Collided with concurrent writes of the same rows: retry after the Retry-After header's seconds", content: { "application/json": { schema: errorBody } } },
      },
    };
    if (route.body) operation.requestBody = { required: true, content: { "application/json": { schema: toSchema(route.body, "input", `${operationId}Body`, components) } } };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Relay REST API",
      version: "1",
      description: "Create, run and inspect syncs without the browser. Authenticate with a workspace API key: `Authorization: Bearer <key>`. Bodies are `{ data }`, errors `{ error: { message, fields? } }`; lists take `limit` and `cursor` and return `nextCursor`.",
    },
    servers: [{ url: serverUrl }],
    components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "A workspace API key (npm run apikey:create)" } }, schemas: components },
    paths,
  };
}
