/**
 * E-commerce products (the eCommerce app must be active in Brevo) [B8]. POST /products with updateEnabled
 * creates (201) or updates (204) one product by its id: an upsert, so a product deleted in Brevo is simply
 * created again. POST /products/batch answers only counts, not which product failed, so each product is
 * its own call. Brevo has no product delete: leaving sets `deletedAt`, Brevo's mark of a deleted product.
 * A product Brevo no longer has makes that upsert a create without `name` (400): it is gone already.
 */
import { excerpt, pool, technicalFailure } from "../shared/api";
import type { DeliveryContext, DestinationField, HttpResponse, RecordResult, WriteRecord } from "../types";
import { assertAuthorised, brevoCall, errorOf, messageOf } from "./client";
import type { BrevoSecrets, BrevoSettings } from "./config";

type Ctx = DeliveryContext<BrevoSettings, BrevoSecrets>;

const CONCURRENCY = 2;

/** The answer to a delete's `{id, deletedAt}` upsert of an id Brevo does not have: a create refused for want of `name`. */
function isAbsent(a: HttpResponse): boolean {
  const e = errorOf(a);
  return a.status === 400 && (e.code === "missing_parameter" || /\bname\b/i.test(e.message ?? ""));
}

export const productFields: DestinationField[] = [
  { name: "id", type: "string", required: true, nullable: false, key: "primary", description: "The product's id in your shop" },
  { name: "name", type: "string", required: true, nullable: false, description: "Required when the product is created" },
  { name: "url", type: "string", required: false, nullable: true },
  { name: "imageUrl", type: "string", required: false, nullable: true },
  { name: "sku", type: "string", required: false, nullable: true },
  { name: "price", type: "number", required: false, nullable: true },
  { name: "categories", type: "json", required: false, nullable: true, description: "Category ids: a list, or text separated by commas" },
  { name: "parentId", type: "string", required: false, nullable: true, description: "The parent product of a variant" },
  { name: "metaInfo", type: "json", required: false, nullable: true, description: "An object of extra values (JSON)" },
];

/** A mapped record as a product body, or why Brevo would refuse it. */
export function toProduct(payload: Record<string, unknown>): { body: Record<string, unknown> } | { problem: string } {
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === null || value === undefined || value === "") continue;
    if (name === "price") {
      const n = typeof value === "number" ? value : Number(value);
      if (!Number.isFinite(n)) return { problem: `price takes a number, not ${JSON.stringify(value)}` };
      body.price = n;
    } else if (name === "categories") body.categories = Array.isArray(value) ? value.map(String) : String(value).split(",").map((c) => c.trim()).filter(Boolean);
    else if (name === "metaInfo") {
      let parsed = value;
      try {
        if (typeof value === "string") parsed = JSON.parse(value);
      } catch {
        /* checked below */
      }
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return { problem: "metaInfo takes a JSON object" };
      body.metaInfo = parsed;
    } else body[name] = String(value);
  }
  if (!body.id) return { problem: "A Brevo product needs an id" };
  return { body };
}

async function upsertProduct(ctx: Ctx, record: WriteRecord): Promise<RecordResult> {
  const made = record.op === "delete" ? { body: { id: record.destinationId ?? record.key, deletedAt: new Date(ctx.clock.now()).toISOString() } } : toProduct(record.payload ?? {});
  if ("problem" in made) return { key: record.key, status: "failed", kind: "rejected", message: made.problem };
  try {
    const a = await brevoCall(ctx.http, ctx.connection, "POST", "/products", { ...made.body, updateEnabled: true });
    assertAuthorised(a);
    const id = String(made.body.id);
    if (record.op === "delete" && ((a.status >= 200 && a.status < 300) || isAbsent(a))) return { key: record.key, status: "ok", op: "delete" };
    if (a.status === 201) return { key: record.key, status: "ok", op: "create", destinationId: id };
    if (a.status === 204 || a.status === 200) return { key: record.key, status: "ok", op: "update", destinationId: id };
    return { key: record.key, status: "failed", kind: "rejected", message: messageOf(a), response: excerpt(a) };
  } catch (error) {
    return technicalFailure(record.key, error);
  }
}

export const writeProducts = (ctx: Ctx, records: WriteRecord[]) => pool(records, CONCURRENCY, (r) => upsertProduct(ctx, r));
