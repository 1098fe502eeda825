import crypto from "node:crypto";
import { afterAll, inject } from "vitest";
import { createDb } from "@/lib/db/client";
import { createWorkspace } from "@/lib/db/queries/workspaces";
import { seedDemo } from "@/lib/demo/seed";
import type { DemoScale } from "@/lib/demo/generate";

export const smallScale: DemoScale = { contacts: 200, products: 20, orders: 600, orderItems: 1_500 };

/** A connection to the test database, closed after the file's tests. */
export function connectTestDb() {
  const handle = createDb(inject("databaseUrl"), { max: 4 });
  afterAll(() => handle.close());
  return handle;
}

/** A new, empty workspace: tests never see each other's rows. */
export async function newWorkspace(db: ReturnType<typeof connectTestDb>["db"], opts: { seed?: DemoScale } = {}) {
  const suffix = crypto.randomBytes(4).toString("hex");
  const workspace = await createWorkspace(db, { name: `Test ${suffix}`, slug: `test-${suffix}` });
  if (opts.seed) await seedDemo(db, workspace.id, opts.seed);
  return workspace.id;
}
