/** A real FTP server on loopback (ftp-srv) in a fresh folder; it can break an upload off after N bytes. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { FileSystem, FtpSrv } from "ftp-srv";
import { freePort } from "./ports";

export async function startFtpServer(account: { user: string; password: string }) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "relay-ftp-"));
  const limits = { cutAfterBytes: undefined as number | undefined };

  /** The server's files, except that an upload can be cut off partway, as a dropped connection would. */
  class CuttableFs extends FileSystem {
    override write(fileName: string, options?: { append?: boolean; start?: number }) {
      const written = super.write(fileName, options) as { stream: fs.WriteStream; clientPath: string };
      const cut = limits.cutAfterBytes;
      if (cut === undefined) return written;
      let seen = 0;
      const stream = new Writable({
        write(chunk: Buffer, _enc, done) {
          seen += chunk.length;
          if (seen > cut) {
            written.stream.end();
            return done(new Error("Connection reset by the test server"));
          }
          written.stream.write(chunk, done);
        },
        final(done) {
          written.stream.end(done);
        },
      });
      return { stream, clientPath: written.clientPath };
    }
  }

  const port = await freePort();
  const server = new FtpSrv({ url: `ftp://127.0.0.1:${port}`, pasv_url: "127.0.0.1", anonymous: false, greeting: "Relay test FTP server", log: silentLog() });
  server.on("login", ({ connection, username, password }, resolve, reject) => {
    if (username !== account.user || password !== account.password) return reject(new Error("Invalid username or password"));
    resolve({ root, fs: new CuttableFs(connection, { root, cwd: "/" }) });
  });
  server.on("client-error", () => {});
  await server.listen();
  return {
    host: "127.0.0.1",
    port,
    root,
    cutAfter: (bytes: number | undefined) => (limits.cutAfterBytes = bytes),
    close: async () => {
      await server.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

function silentLog() {
  const noop = () => {};
  const log = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop, child: () => log };
  return log as never;
}
