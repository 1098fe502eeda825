/** Test helper process: joins the embedded server of DATA_DIR, prints what it found, holds it until stdin closes. */
import { startEmbedded } from "@/lib/db/embedded";

const server = await startEmbedded(process.env.DATA_DIR!);
console.log(JSON.stringify({ url: server.url, initialised: server.initialised, started: server.started, pid: process.pid }));
process.stdin.resume();
process.stdin.on("end", async () => {
  await server.release();
  process.exit(0);
});
