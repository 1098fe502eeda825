/**
 * A real SFTP server on loopback: SSH (password and public-key auth, an ECDSA P-256 host key) by the ssh2
 * library in this process, the SFTP subsystem by OpenSSH's own sftp-server binary (Debian's
 * openssh-sftp-server), in a fresh folder. It can cut a client off after N bytes of upload.
 */
import { type ChildProcess, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import ssh2 from "ssh2";

const SFTP_SERVER_BINARY = process.env.SFTP_SERVER_BINARY ?? "/usr/lib/openssh/sftp-server";
export const sftpServerAvailable = () => fs.existsSync(SFTP_SERVER_BINARY);

const { Server, utils } = ssh2;

export async function startSftpServer(account: { user: string; password?: string; publicKey?: string }) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "relay-sftp-"));
  // Not ed25519: ssh2 1.17 makes one in about 250 whose public key it cannot read back (mscdex/ssh2#1513).
  const hostKey = utils.generateKeyPairSync("ecdsa", { bits: 256 });
  const hostPublic = utils.parseKey(hostKey.public);
  if (hostPublic instanceof Error) throw hostPublic;
  const allowedKey = account.publicKey ? utils.parseKey(account.publicKey) : undefined;
  if (allowedKey instanceof Error) throw allowedKey;
  const children = new Set<ChildProcess>();
  const limits = { cutAfterBytes: undefined as number | undefined };

  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    client.on("authentication", (ctx) => {
      if (ctx.username !== account.user) return ctx.reject();
      if (ctx.method === "password" && account.password !== undefined && ctx.password === account.password) return ctx.accept();
      if (ctx.method === "publickey" && allowedKey && ctx.key.algo === allowedKey.type && ctx.key.data.equals(allowedKey.getPublicSSH())) {
        if (!ctx.signature) return ctx.accept();
        if (allowedKey.verify(ctx.blob!, ctx.signature, ctx.hashAlgo)) return ctx.accept();
      }
      ctx.reject(["password", "publickey"]);
    });
    client.on("ready", () => {
      client.on("session", (acceptSession) => {
        const session = acceptSession();
        session.on("subsystem", (accept, reject, info) => {
          if (info.name !== "sftp") return reject();
          const channel = accept();
          const child = spawn(SFTP_SERVER_BINARY, ["-d", root, "-l", "QUIET"], { stdio: ["pipe", "pipe", "ignore"] });
          children.add(child);
          let received = 0;
          channel.on("data", (chunk: Buffer) => {
            received += chunk.length;
            if (limits.cutAfterBytes !== undefined && received > limits.cutAfterBytes) {
              child.kill();
              client.end();
              return;
            }
            child.stdin!.write(chunk);
          });
          child.stdout!.pipe(channel);
          const stop = () => (child.kill(), children.delete(child));
          channel.on("close", stop);
          child.on("exit", () => channel.close());
        });
      });
    });
    client.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: "127.0.0.1",
    port,
    root,
    fingerprint: `SHA256:${crypto.createHash("sha256").update(hostPublic.getPublicSSH()).digest("base64").replace(/=+$/, "")}`,
    /** Cuts every connection once it has sent this many bytes (an upload killed halfway); undefined: never. */
    cutAfter: (bytes: number | undefined) => (limits.cutAfterBytes = bytes),
    close: async () => {
      for (const child of children) child.kill();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
