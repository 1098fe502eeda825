/**
 * A process reading one import run's rows page by page (as its read step does), for the test that kills it
 * mid-import: prints `reading` once it starts, `done` if it finishes.
 */
import { z } from "zod";

const env = z.object({ DATABASE_URL: z.string(), RUN_ID: z.uuid(), PAGE_SIZE: z.coerce.number().int().min(1) }).parse(process.env);

const { createDb } = await import("@/lib/db/client");
const { readImportPages } = await import("@/lib/sources/read");
const { db } = createDb(env.DATABASE_URL);
console.log("reading");
while (!(await readImportPages(db, env.RUN_ID, "rows", { pageSize: env.PAGE_SIZE, budgetMs: 600_000 })).done);
console.log("done");
process.exit(0);
