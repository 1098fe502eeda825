/** Settings of the HTTP API connector: where the API is and how it names its operations. Client-safe. */
import { z } from "zod";

const path = z.string().regex(/^\//, "A path starts with /").max(500);
const pointer = z.string().regex(/^(\/[^/]*)*$/, 'A JSON pointer such as "/id" or "/data/0/id"').max(200);
const fieldTypes = ["string", "number", "integer", "boolean", "date", "datetime", "json"] as const;

export const httpApiSettingsSchema = z.strictObject({
  baseUrl: z.url("Enter the API's base URL, such as https://api.example.com/v1").max(500),
  auth: z.enum(["none", "bearer", "basic", "header"]).default("bearer"),
  /** The header carrying the secret when auth is "header" (e.g. X-API-Key). */
  authHeader: z.string().regex(/^[A-Za-z0-9-]+$/).max(100).optional(),
  /** The resource syncs write to, shown as the destination object. */
  object: z.string().trim().min(1).max(100).default("records"),
  fields: z
    .array(
      z.strictObject({
        name: z.string().trim().min(1).max(200),
        type: z.enum(fieldTypes).default("string"),
        required: z.boolean().default(false),
        key: z.enum(["primary", "unique"]).optional(),
      }),
    )
    .min(1, "Declare the fields the API takes")
    .max(500),
  create: z
    .strictObject({
      method: z.enum(["POST", "PUT"]).default("POST"),
      path,
      /** "batch": the path takes an array of records and answers per record (one request per `batchSize` records). */
      body: z.enum(["single", "batch"]).default("single"),
      batchSize: z.number().int().min(1).max(1_000).default(100),
      /** Where a created record's id is in the answer (in each result, for batches). */
      idPointer: pointer.default("/id"),
      /** Where the list of per-record results is in a batch answer ("" = the answer itself). */
      resultsPointer: pointer.default(""),
      /** Where each batch result carries its own HTTP status (207 Multi-Status); a result without one takes the answer's. */
      statusPointer: pointer.default("/status"),
      /** Where each batch result names its record's match key, for APIs that answer in their own order; absent = results in request order. */
      keyPointer: pointer.optional(),
      /** Batch mode: a path that creates one record sent as an object; absent = a lone record goes as a one-element array to `path`. */
      singlePath: path.optional(),
    })
    .superRefine((create, ctx) => {
      if (create.body === "batch") return;
      for (const name of ["keyPointer", "singlePath"] as const)
        if (create[name] !== undefined) ctx.addIssue({ code: "custom", path: [name], message: `${name} applies to batch creates: set body to "batch" or remove it` });
    }),
  /** `{id}` is the destination's id of the record, `{key}` the value of the match key. */
  update: z.strictObject({ method: z.enum(["PATCH", "PUT", "POST"]).default("PATCH"), path }),
  delete: z.strictObject({ method: z.enum(["DELETE", "POST"]).default("DELETE"), path }).optional(),
  list: z
    .strictObject({
      path,
      itemsPointer: pointer.default("/data"),
      idPointer: pointer.default("/id"),
      /** The field of a listed item that holds the match key. */
      keyField: z.string().min(1),
      cursorParam: z.string().default("cursor"),
      nextCursorPointer: pointer.default("/next_cursor"),
      pageSize: z.number().int().min(1).max(1_000).default(100),
    })
    .optional(),
  /** How the API refuses a create because the record exists: the status and where the existing id is. */
  duplicate: z.strictObject({ status: z.number().int().default(409), idPointer: pointer.default("/existing_id") }).default({ status: 409, idPointer: "/existing_id" }),
  notFoundStatus: z.number().int().default(404),
  /** A header carrying a key unique per run, record and operation, for APIs that de-duplicate retried creates. */
  idempotencyHeader: z.string().regex(/^[A-Za-z0-9-]+$/).max(100).optional(),
  timeoutMs: z.number().int().min(100).max(300_000).default(30_000),
});

export const httpApiSecretsSchema = z.strictObject({
  token: z.string().max(10_000).optional(),
  username: z.string().max(500).optional(),
  password: z.string().max(1_000).optional(),
  headerValue: z.string().max(10_000).optional(),
});

export type HttpApiSettings = z.output<typeof httpApiSettingsSchema>;
export type HttpApiSecrets = z.output<typeof httpApiSecretsSchema>;

/** RFC 6901 JSON pointer lookup. */
export function atPointer(value: unknown, ptr: string): unknown {
  if (ptr === "") return value;
  return ptr
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((v, part) => (v && typeof v === "object" ? (v as Record<string, unknown>)[part] : undefined), value);
}
