/** `npm run bench`: the benchmarks, printed as lines. Not a test: it reports, it does not judge. */
import pg from "pg";

const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const only = process.argv.slice(2);

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
});

try {
  const { migrateDatabase } = await import("@/lib/db/migrate");
  await migrateDatabase(url.toString());
  const { benchP1P2 } = await import("./p1-p2");
  const { benchP3 } = await import("./p3");
  const { benchP4 } = await import("./p4");
  const suites = [
    { ids: ["P1", "P2"], run: () => benchP1P2(url.toString(), rows) },
    { ids: ["P3"], run: () => benchP3(url.toString(), Number(process.env.BENCH_P3_CONTACTS ?? 400)) },
    { ids: ["P4"], run: () => benchP4(url.toString(), rows) },
  ];
  console.log(`Benchmarks on ${url.host} (${rows.toLocaleString("en-US")} rows), ${new Date().toISOString()}\n`);
  for (const suite of suites) {
    if (only.length && !suite.ids.some((id) => only.includes(id))) continue;
    for (const { line } of await suite.run()) console.log(line);
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}
process.exit(0);
