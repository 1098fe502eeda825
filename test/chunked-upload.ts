/** Uploads a large body chunked (no Content-Length) as fast as the server takes it, and stops once it answers. */
import http from "node:http";

export type UploadAnswer = { status: number; body: string; sentBytes: number };

/** Sends `prefix`, then `size` bytes of "a", then `suffix` (e.g. one JSON record with a huge trait). */
export function sendChunked(url: string, p: { headers: Record<string, string>; size: number; prefix: string; suffix: string }): Promise<UploadAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", headers: { ...p.headers, "transfer-encoding": "chunked" } });
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    let answered = false;
    const pump = () => {
      while (!answered && sent < p.size) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", pump);
      }
      if (!answered) request.end(p.suffix);
    };
    request.on("response", (response) => {
      answered = true;
      let body = "";
      response.on("data", (d: Buffer) => (body += d.toString()));
      response.on("end", () => {
        resolve({ status: response.statusCode!, body, sentBytes: sent });
        // A refused upload stops here: the rest is never sent.
        request.destroy();
      });
    });
    request.on("error", (error) => (answered ? undefined : reject(error)));
    request.write(p.prefix);
    pump();
  });
}

/** A records upload to the ingest endpoint of about `size` bytes: one contact with a huge trait. */
export const recordsUpload = (key: string, size: number) => ({
  headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
  size,
  prefix: '{"records":[{"id":"big","traits":{"note":"',
  suffix: '"}}]}',
});
