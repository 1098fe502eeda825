/** The SFTP or FTP test server a file destination writes to, with the folder its files land in and read back from. */
import fs from "node:fs";
import path from "node:path";
import { startFtpServer } from "./ftp-server";
import { sftpServerAvailable, startSftpServer } from "./sftp-server";

export type FileServerKind = "sftp" | "ftp";
type Account = { user: string; password: string };

/** OpenSSH's sftp-server is not something the tests can install: without it the SFTP tests are skipped, except in CI where it must be there. */
export function fileServerAvailable(kind: FileServerKind): boolean {
  if (kind === "ftp" || sftpServerAvailable()) return true;
  if (process.env.CI) throw new Error("CI must provide OpenSSH's sftp-server (apt-get install openssh-sftp-server) for the SFTP tests");
  console.warn("[files] OpenSSH's sftp-server is not installed (apt-get install openssh-sftp-server): the SFTP file tests are skipped");
  return false;
}

export async function startFileServer(kind: FileServerKind, account: Account) {
  const server: Awaited<ReturnType<typeof startFtpServer>> & { fingerprint?: string } = kind === "sftp" ? await startSftpServer(account) : await startFtpServer(account);
  // sftp-server serves the machine's own paths: the files go to a folder under its root; FTP's root is "/".
  const dir = kind === "sftp" ? path.join(server.root, "out") : server.root;
  fs.mkdirSync(dir, { recursive: true });
  const folder = kind === "sftp" ? dir : "/";
  return {
    ...server,
    folder,
    /** A written file, on the server's disk. */
    local: (name: string) => path.join(dir, name),
    files: () => fs.readdirSync(dir).sort(),
    /** A connection's settings to this server, with the file's settings in `extra`. */
    settings: (extra: Record<string, unknown>) => ({ host: "127.0.0.1", port: server.port, user: account.user, folder, ...(kind === "ftp" ? { tls: "none" } : {}), ...extra }),
  };
}

export type FileServer = Awaited<ReturnType<typeof startFileServer>>;
