import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { createHttpClient } from "@/lib/sync/http";
import { assertPublicUrl, isPrivateAddress, OutboundRefused } from "./outbound";

const strict = { allowPrivate: false, lookup: async (host: string) => ({ "intranet.example": ["10.1.2.3"], "api.example": ["93.184.216.34"], "sneaky.example": ["93.184.216.34", "127.0.0.1"] })[host] ?? [] };

describe("outbound URLs chosen by users", () => {
  it("classifies addresses", () => {
    for (const ip of ["127.0.0.1", "10.0.0.5", "172.20.1.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1"])
      expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"]) expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it("refuses loopback, private, link-local and metadata addresses, and names that resolve to them", async () => {
    for (const url of ["http://127.0.0.1/x", "http://10.0.0.8/", "http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/", "https://intranet.example/", "https://sneaky.example/", "file:///etc/passwd"])
      await expect(assertPublicUrl(url, strict), url).rejects.toBeInstanceOf(OutboundRefused);
    await expect(assertPublicUrl("https://api.example/v1", strict)).resolves.toBeUndefined();
    await expect(assertPublicUrl("http://127.0.0.1/x", { allowPrivate: true })).resolves.toBeUndefined();
  });

  describe("through redirects", () => {
    const server = http.createServer((req, res) => {
      res.writeHead(302, { location: req.url === "/to-metadata" ? "http://169.254.169.254/latest/meta-data/" : "http://10.0.0.1/admin" });
      res.end();
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("refuses a redirect to a private address, without retrying", async () => {
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const { port } = server.address() as AddressInfo;
      const client = createHttpClient({ delaysMs: [10, 10], timeScale: 1, outbound: { allowPrivate: (u) => u.port === String(port) } });
      for (const path of ["/to-metadata", "/to-private"])
        await expect(client({ method: "GET", url: `http://127.0.0.1:${port}${path}` })).rejects.toThrow(/is a private, loopback or link-local address\. Set ALLOW_PRIVATE_NETWORK=true/);
    });
  });
});
