/** A real HTTP receiver for webhooks: records every request (headers, raw body) and answers as scripted. */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Received = { method: string; path: string; headers: http.IncomingHttpHeaders; body: string; answeredWith: number };

export async function startReceiver(answers: number[] = []) {
  const requests: Received[] = [];
  const script = [...answers];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const status = script.shift() ?? 200;
    requests.push({ method: req.method ?? "", path: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), answeredWith: status });
    res.writeHead(status, { "content-type": "text/plain" });
    res.end(status < 300 ? "ok" : "receiver_error");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** The next requests are answered with these statuses (then 200). */
    answer: (...statuses: number[]) => script.push(...statuses),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
