/** A request body over 10 MB is refused while it streams in, before it is held whole. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/entities/[entity]/records/route";
import { apiAs } from "@/test/api";
import { recordsUpload, sendChunked } from "@/test/chunked-upload";
import { connectTestDb, newWorkspace } from "@/test/db";

const MB = 1024 * 1024;
const { db } = connectTestDb();
let key: string;
let server: http.Server;
let url: string;
/** Bytes the route handler pulled from the socket, for the last request. */
let pulled = 0;

/** Serves the route handler over HTTP as Next does: the Request body is a stream read from the socket on demand. */
function serveRoute() {
  return http.createServer(async (req, res) => {
    pulled = 0;
    const chunks = req[Symbol.asyncIterator]();
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const { value, done } = await chunks.next();
          if (done) return controller.close();
          pulled += (value as Buffer).length;
          controller.enqueue(new Uint8Array(value as Buffer));
        },
      },
      { highWaterMark: 0 },
    );
    const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body, duplex: "half" } as RequestInit);
    const response = await POST(request, { params: Promise.resolve({ entity: "contacts" }) });
    res.writeHead(response.status, { "content-type": "application/json" });
    res.end(Buffer.from(await response.arrayBuffer()));
  });
}

beforeAll(async () => {
  key = (await apiAs(db, await newWorkspace(db))).key;
  server = serveRoute();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/entities/contacts/records`;
});
afterAll(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));

describe("request body size", () => {
  it("refuses a 50 MB chunked body with 413 after reading about 10 MB of it", async () => {
    const answer = await sendChunked(url, recordsUpload(key, 50 * MB));
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: { message: "The body is larger than 10 MB: send smaller batches" } });
    expect(pulled).toBeGreaterThan(10 * MB);
    expect(pulled).toBeLessThan(10 * MB + 256 * 1024);
    expect(answer.sentBytes).toBeLessThan(50 * MB);
  });

  it("still reads a chunked body under the limit", async () => {
    const answer = await sendChunked(url, recordsUpload(key, MB));
    expect(answer.status).toBe(200);
    expect(pulled).toBeGreaterThan(MB);
  });
});
