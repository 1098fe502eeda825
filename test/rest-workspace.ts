/** The REST API tests' world: a seeded workspace with an API key, and a PostgreSQL destination holding an empty `customers` table. */
import type { Db } from "@/lib/db/client";
import type { DemoScale } from "@/lib/demo/generate";
import { type ApiResponse, apiAs } from "./api";
import { newWorkspace } from "./db";
import { postgresDestination } from "./destinations";

export const restSeed: DemoScale = { contacts: 60, products: 5, orders: 100, orderItems: 200 };

export type RestWorkspace = Awaited<ReturnType<typeof restWorkspace>>;

export async function restWorkspace(db: Db) {
  const dest = await postgresDestination();
  await dest.query("CREATE TABLE customers (customer_id text PRIMARY KEY, email text, country text)");
  const workspaceId = await newWorkspace(db, { seed: restSeed });
  return { dest, workspaceId, api: await apiAs(db, workspaceId) };
}

/** The `data` of an answer, typed as the test expects it. */
export const data = <T>(r: ApiResponse) => r.body.data as T;
export type Created = { id: string };
