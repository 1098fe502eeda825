/** A WebSocket-to-TCP bridge like Neon's proxy, so @neondatabase/serverless can reach a local PostgreSQL. */
import net from "node:net";
import { neonConfig } from "@neondatabase/serverless";
import ws, { WebSocketServer } from "ws";

export async function startNeonBridge() {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  const stats = { connections: 0 };
  server.on("connection", (socket, request) => {
    stats.connections++;
    const address = new URL(request.url ?? "", "http://bridge").searchParams.get("address") ?? "";
    const [host, port] = address.split(":");
    const tcp = net.connect(Number(port), host);
    socket.binaryType = "nodebuffer";
    socket.on("message", (data: Buffer) => tcp.write(data));
    tcp.on("data", (data) => socket.send(data));
    socket.on("close", () => tcp.destroy());
    tcp.on("close", () => socket.close());
    tcp.on("error", () => socket.close());
  });
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as net.AddressInfo;
  neonConfig.webSocketConstructor = ws;
  neonConfig.wsProxy = (host, p) => `127.0.0.1:${port}/v1?address=${host}:${p}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  return { stats, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
