/**
 * A server that speaks just enough of the PostgreSQL protocol to ask for a password in clear text and
 * write down what it was given: the stranger's server an admin could point a stored connection at.
 */
import net from "node:net";
import type { AddressInfo } from "node:net";

const SSL_REQUEST = 80_877_103;

export type Captured = { user?: string; database?: string; password?: string };

function message(type: string, body: Buffer) {
  const head = Buffer.alloc(5);
  head.write(type, 0);
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

/** Startup parameters come as name\0value\0 … pairs after the protocol version. */
function startupParams(body: Buffer): Record<string, string> {
  const parts = body.subarray(4).toString("utf8").split("\0");
  const params: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i]) params[parts[i]!] = parts[i + 1]!;
  return params;
}

export async function startFakePostgres() {
  const captured: Captured[] = [];
  const server = net.createServer((socket) => {
    let buffer = Buffer.alloc(0);
    let session: Captured | undefined;
    socket.on("error", () => {});
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const typed = session !== undefined;
        const offset = typed ? 1 : 0;
        if (buffer.length < offset + 4) return;
        const length = buffer.readInt32BE(offset);
        if (buffer.length < offset + length) return;
        const type = typed ? String.fromCharCode(buffer[0]!) : "";
        const body = buffer.subarray(offset + 4, offset + length);
        buffer = buffer.subarray(offset + length);
        if (!typed && body.readInt32BE(0) === SSL_REQUEST) socket.write("N");
        else if (!typed) {
          const params = startupParams(body);
          session = { user: params.user, database: params.database };
          captured.push(session);
          socket.write(message("R", int32(3)));
        } else if (type === "p") {
          session!.password = body.toString("utf8").replace(/\0$/, "");
          socket.end(message("E", Buffer.from("SFATAL\0C28P01\0Mpassword authentication failed\0\0")));
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    /** Every connection attempt, with the password it sent (if it got that far). */
    captured,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
