/**
 * `npm run bench [-- P1 P3 …]`: the benchmarks, printed as lines. Not a test: it reports, it does not judge; a
 * benchmark that cannot measure (nothing counted, a run that failed, a refused address) exits non-zero with why.
 * BENCH_ROWS sizes P1, P2, P4 and P7 (1,000,000 by default); P1 at another size also prints P6.
 */
import pg from "pg";
import { z } from "zod";
import type { BenchLine } from "./shared";

const PHASES = ["P1", "P2", "P3", "P4", "P5", "P6", "P7"] as const;
const options = z
  .object({
    BENCH_ROWS: z.coerce.number().int().positive("must be a positive whole number of rows").default(1_000_000),
    BENCH_P3_CONTACTS: z.coerce.number().int().min(2).multipleOf(2, "must be even: two syncs share them").default(400),
    BENCH_P3_LATENCY_MS: z.coerce.number().int().min(0, "must be a number of milliseconds").default(0),
    BENCH_P5_SECONDS: z.coerce.number().int().positive("must be a positive number of seconds").default(60),
    phases: z.array(z.enum(PHASES, { error: (i) => `unknown benchmark ${String(i.input)}: pick from ${PHASES.join(", ")}` })),
  })
  .safeParse({
    BENCH_ROWS: process.env.BENCH_ROWS || undefined,
    BENCH_P3_CONTACTS: process.env.BENCH_P3_CONTACTS || undefined,
    BENCH_P3_LATENCY_MS: process.env.BENCH_P3_LATENCY_MS || undefined,
    BENCH_P5_SECONDS: process.env.BENCH_P5_SECONDS || undefined,
    phases: process.argv.slice(2),
  });
if (!options.success) {
  console.error(options.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join("\n"));
  process.exit(2);
}
const { BENCH_ROWS: rows, BENCH_P3_CONTACTS: p3Contacts, BENCH_P3_LATENCY_MS: p3LatencyMs, BENCH_P5_SECONDS: p5Seconds, phases: only } = options.data;
const wanted = (...ids: string[]) => only.length === 0 || ids.some((id) => (only as string[]).includes(id));

const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const database = `relay_bench_${Date.now()}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const url = new URL(serverUrl);
url.pathname = `/${database}`;
// The app's modules read their environment once, when they load: set it before importing them.
const { generateEventKey, generateSigningKey } = await import("@/inngest/local/signing");
Object.assign(process.env, {
  DATABASE_URL: url.toString(),
  INNGEST_DEV: "0",
  INNGEST_SIGNING_KEY: generateSigningKey(),
  INNGEST_EVENT_KEY: generateEventKey(),
  INNGEST_BASE_URL: `http://127.0.0.1:${40_000 + Math.floor(Math.random() * 10_000)}`,
  APP_URL: `http://127.0.0.1:${30_000 + Math.floor(Math.random() * 10_000)}`,
  // P3's API sandbox listens on loopback: reached as an operator whose API is on their own network would (README), unless set otherwise.
  ...(wanted("P3") && { ALLOW_PRIVATE_NETWORK: process.env.ALLOW_PRIVATE_NETWORK ?? "true" }),
});

const failures: string[] = [];
try {
  const { migrateDatabase } = await import("@/lib/db/migrate");
  await migrateDatabase(url.toString());
  const { benchP1P2 } = await import("./p1-p2");
  const { benchP3 } = await import("./p3");
  const { benchP4 } = await import("./p4");
  const { benchP5 } = await import("./p5");
  const { benchP7 } = await import("./p7");
  const emit = ({ line }: BenchLine) => console.log(line);
  const suites = [
    { ids: ["P1", "P2", "P6"], run: () => benchP1P2(url.toString(), rows, { incremental: wanted("P2"), emit }) },
    { ids: ["P3"], run: () => benchP3(url.toString(), p3Contacts, emit, p3LatencyMs) },
    { ids: ["P4"], run: () => benchP4(url.toString(), rows, emit) },
    { ids: ["P5"], run: async () => (await benchP5(url.toString(), p5Seconds)).forEach(emit) },
    { ids: ["P7"], run: () => benchP7(url.toString(), rows, emit) },
  ];
  console.log(`Benchmarks on ${url.host} (${rows.toLocaleString("en-US")} rows), ${new Date().toISOString()}\n`);
  for (const suite of suites.filter((s) => wanted(...s.ids))) {
    try {
      await suite.run();
    } catch (error) {
      const reason = error instanceof Error ? (error.name === "BenchFailure" ? error.message : (error.stack ?? error.message)) : String(error);
      failures.push(`${suite.ids.join("/")}: ${reason}`);
      console.error(`${suite.ids.join("/")} FAILED — not measured: ${reason}`);
    }
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}
if (failures.length) console.error(`\n${failures.length} benchmark(s) could not measure; see above.`);
process.exit(failures.length ? 1 : 0);
