/**
 * P4: a replace run writing the whole generated dataset as one CSV file over SFTP (the test suite's
 * in-process SSH server with OpenSSH's sftp-server), plain and gzipped: seconds and peak RSS. The file
 * is streamed from the run's plan to the server, never built in memory.
 */
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { createDb } from "@/lib/db/client";
import { createConnection } from "@/lib/connections/save";
import { createSync } from "@/lib/syncs/save";
import { startAppRuntime } from "@/test/app-runtime";
import { sftpServerAvailable, startSftpServer } from "@/test/sftp-server";
import { formatBytes, formatNumber } from "@/lib/utils";
import { assertRunsSucceeded, BenchFailure, measured } from "./report";
import { type BenchLine, benchContacts, COLUMNS, stepBreakdown, timed } from "./shared";

const ACCOUNT = { user: "bench", password: "bench-password" };

async function countLines(file: string) {
  let lines = 0;
  for await (const line of readline.createInterface({ input: fs.createReadStream(file) })) if (line) lines++;
  return lines;
}

export async function benchP4(databaseUrl: string, rows: number, emit: (line: BenchLine) => void) {
  if (!sftpServerAvailable()) throw new BenchFailure("P4 needs /usr/lib/openssh/sftp-server (apt-get install openssh-sftp-server)");
  const { db, close } = createDb(databaseUrl, { max: 10 });
  const runtime = await startAppRuntime(db, { timeScale: 1 });
  const server = await startSftpServer(ACCOUNT);
  const { requestSyncRun } = await import("@/inngest/requests");
  try {
    const { workspace, dataset } = await benchContacts(db, rows);
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
      assertRunsSucceeded([run.result], "P4");
      if (!file) throw new BenchFailure("P4's run wrote no file");
      if (file.rows !== rows) throw new BenchFailure(`P4 wrote ${file.rows} rows instead of ${rows}`);
      if (!gzip && (await countLines(path.join(server.root, fileName))) !== rows + 1) throw new BenchFailure("P4's file does not hold a header and every row");
      emit({
        id: "P4",
        line: `P4 replace file over SFTP${gzip ? ", gzip" : ""}, ${formatNumber(rows)} rows (${formatBytes(file.bytes)}): ${measured(run.seconds, "P4's time").toFixed(1)} s, ${formatNumber(Math.round(rows / run.seconds))} rows/s, peak RSS of the app process ${Math.round(measured(run.peakMb, "P4's peak RSS"))} MB — ${await stepBreakdown(db, run.result.id)}`,
      });
    }
  } finally {
    await server.close();
    await runtime.stop();
    await close();
  }
}
