/**
 * P4: a replace run writing the whole generated dataset as one CSV file over SFTP (the test suite's
 * in-process SSH server with OpenSSH's sftp-server), plain and gzipped: seconds and peak RSS. The file
 * is streamed from the run's plan to the server, never built in memory.
 */
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { createDb } from "@/lib/db/client";
import { createConnection } from "@/lib/db/queries/connections";
import { createSync } from "@/lib/db/queries/syncs";
import { startAppRuntime } from "@/lib/testing/app-runtime";
import { sftpServerAvailable, startSftpServer } from "@/lib/testing/sftp-server";
import { formatBytes, formatNumber } from "@/lib/utils";
import { type BenchLine, benchContacts, COLUMNS, stepBreakdown, timed } from "./shared";

const ACCOUNT = { user: "bench", password: "bench-password" };

async function countLines(file: string) {
  let lines = 0;
  for await (const line of readline.createInterface({ input: fs.createReadStream(file) })) if (line) lines++;
  return lines;
}

export async function benchP4(databaseUrl: string, rows: number): Promise<BenchLine[]> {
  if (!sftpServerAvailable()) return [{ id: "P4", line: "P4 skipped: /usr/lib/openssh/sftp-server is missing (apt-get install openssh-sftp-server)" }];
  const { db, close } = createDb(databaseUrl, { max: 10 });
  const runtime = await startAppRuntime(db, { timeScale: 1 });
  const server = await startSftpServer(ACCOUNT);
  const { requestSyncRun } = await import("@/inngest/requests");
  try {
    const { workspace, dataset } = await benchContacts(db, rows);
    const lines: BenchLine[] = [];
    for (const gzip of [false, true]) {
      const fileName = gzip ? "contacts.csv.gz" : "contacts.csv";
      const connection = await createConnection(db, {
        workspaceId: workspace.id,
        connector: "sftp",
        name: `Bench ${fileName}`,
        settings: { host: "127.0.0.1", port: server.port, user: ACCOUNT.user, folder: server.root, fileName, gzip },
        secrets: { password: ACCOUNT.password },
      });
      const sync = await createSync(db, {
        workspaceId: workspace.id,
        input: {
          name: `Bench ${fileName}`,
          datasetId: dataset.id,
          connectionId: connection.id,
          object: fileName,
          mapping: COLUMNS.filter((c) => c !== "id").map((c) => ({ from: { field: c }, to: c })),
          matchKey: { from: "id", to: "id" },
          mode: "replace",
        },
      });
      const run = await timed(async () => runtime.runEnded((await requestSyncRun(db, { workspaceId: workspace.id, syncId: sync.id, trigger: "manual", mode: "replace" })).id, 3_600_000));
      const [file] = run.result.files ?? [];
      if (run.result.status !== "succeeded" || !file) throw new Error(`P4 run ended ${run.result.status}: ${run.result.error}`);
      if (file.rows !== rows) throw new Error(`P4 wrote ${file.rows} rows instead of ${rows}`);
      if (!gzip && (await countLines(path.join(server.root, fileName))) !== rows + 1) throw new Error("P4's file does not hold a header and every row");
      lines.push({
        id: "P4",
        line: `P4 replace file over SFTP${gzip ? ", gzip" : ""}, ${formatNumber(rows)} rows (${formatBytes(file.bytes)}): ${run.seconds.toFixed(1)} s, ${formatNumber(Math.round(rows / run.seconds))} rows/s, peak RSS ${Math.round(run.peakMb)} MB — ${await stepBreakdown(db, run.result.id)}`,
      });
    }
    return lines;
  } finally {
    await server.close();
    await runtime.stop();
    await close();
  }
}
