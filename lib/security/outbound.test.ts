import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchGuarded } from "@/lib/http/client";
import { createHttpClient } from "@/lib/http/client";
import { startReceiver } from "@/test/receiver";
import { assertPublicUrl, isPrivateAddress, OutboundRefused } from "./outbound";

const strict = { allowPrivate: false, lookup: async (host: string) => ({ "intranet.example": ["10.1.2.3"], "api.example": ["93.184.216.34"], "sneaky.example": ["93.184.216.34", "127.0.0.1"], "nat64.example": ["64:ff9b::a9fe:a9fe"] })[host] ?? [] };

describe("the address table (IANA special-purpose registries)", () => {
  it.each([
    ["0.0.0.0", "this network"],
    ["10.0.0.5", "private"],
    ["100.64.0.1", "shared address space (carrier-grade NAT)"],
    ["127.0.0.1", "loopback"],
    ["169.254.169.254", "link-local (cloud metadata)"],
    ["172.20.1.1", "private"],
    ["192.0.0.8", "IETF protocol assignments"],
    ["192.0.2.10", "documentation TEST-NET-1"],
    ["192.88.99.1", "6to4 relay anycast (deprecated)"],
    ["192.168.1.1", "private"],
    ["198.18.0.1", "benchmarking"],
    ["198.51.100.7", "documentation TEST-NET-2"],
    ["203.0.113.9", "documentation TEST-NET-3"],
    ["224.0.0.1", "multicast"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "limited broadcast"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["::127.0.0.1", "IPv4-compatible (deprecated, ::/96)"],
    ["::7f00:1", "IPv4-compatible, hex form"],
    ["::8.8.8.8", "IPv4-compatible, even of a public address"],
    ["::ffff:10.0.0.1", "IPv4-mapped private"],
    ["::ffff:7f00:1", "IPv4-mapped loopback, hex form"],
    ["::ffff:0:127.0.0.1", "IPv4-translated (SIIT)"],
    ["64:ff9b::127.0.0.1", "NAT64 of loopback"],
    ["64:ff9b::a9fe:a9fe", "NAT64 of the metadata address"],
    ["64:ff9b:1::8.8.8.8", "local-use NAT64"],
    ["100::1", "discard-only"],
    ["2001::1", "Teredo whose server is 0.0.0.0"],
    ["2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo whose client is 127.0.0.1"],
    ["2001:2::1", "benchmarking"],
    ["2001:10::1", "ORCHID"],
    ["2001:db8::1", "documentation"],
    ["2002:7f00:1::", "6to4 of loopback"],
    ["2002:c0a8:101::1", "6to4 of 192.168.1.1"],
    ["3fff::1", "documentation (RFC 9637)"],
    ["5f00::1", "SRv6 SIDs"],
    ["fc00::1", "unique local"],
    ["fd12:3456::1", "unique local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local with a zone"],
    ["fec0::1", "site-local (deprecated)"],
    ["ff02::1", "multicast"],
    ["4000::1", "outside global unicast 2000::/3"],
    ["not an address", "not an IP at all"],
  ])("%s is refused (%s)", (ip) => expect(isPrivateAddress(ip)).toBe(true));

  it.each([
    ["93.184.216.34", "public IPv4"],
    ["8.8.8.8", "public IPv4"],
    ["2606:4700:4700::1111", "public IPv6"],
    ["::ffff:8.8.8.8", "IPv4-mapped public"],
    ["64:ff9b::808:808", "NAT64 of a public address"],
    ["2002:808:808::1", "6to4 of a public address"],
    ["2001:0:4136:e378:8000:63bf:f7f7:f7f7", "Teredo of public addresses"],
    ["2620:4f:8000::1", "AS112 direct delegation (globally reachable)"],
  ])("%s is allowed (%s)", (ip) => expect(isPrivateAddress(ip)).toBe(false));
});

describe("outbound URLs chosen by users", () => {
  it("refuses loopback, private, link-local and metadata addresses, and names that resolve to them", async () => {
    for (const url of ["http://127.0.0.1/x", "http://10.0.0.8/", "http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/", "http://[::127.0.0.1]/", "http://[::ffff:127.0.0.1]/", "http://[64:ff9b::7f00:1]/", "http://2130706433/", "http://0x7f.1/", "https://intranet.example/", "https://sneaky.example/", "https://nat64.example/"])
      await expect(assertPublicUrl(url, strict), url).rejects.toBeInstanceOf(OutboundRefused);
    await expect(assertPublicUrl("file:///etc/passwd", strict)).rejects.toThrow("Only http and https URLs are allowed, not file:");
    await expect(assertPublicUrl("https://api.example/v1", strict)).resolves.toBeUndefined();
    await expect(assertPublicUrl("http://127.0.0.1/x", { allowPrivate: true })).resolves.toBeUndefined();
  });

  it("refuses an IPv4-compatible IPv6 literal at use time", async () => {
    await expect(fetchGuarded({ method: "GET", url: "http://[::127.0.0.1]:8081/" }, { allowPrivate: false })).rejects.toThrow(/\[::7f00:1\] is a private or reserved address\. Set ALLOW_PRIVATE_NETWORK=true/);
  });

  describe("DNS rebinding", () => {
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    beforeAll(async () => (receiver = await startReceiver()));
    afterAll(() => receiver.close());

    it("connects to the address that was checked: a name answering public, then private, never reaches the private one", async () => {
      const asked: string[] = [];
      // "localhost" is what the system resolver would give a second look-up: the receiver on loopback.
      const rebinding = async (host: string) => (asked.push(host), asked.length === 1 ? ["93.184.216.34"] : ["127.0.0.1"]);
      const port = new URL(receiver.url).port;
      await fetchGuarded({ method: "GET", url: `http://localhost:${port}/rebound`, timeoutMs: 1_500 }, { allowPrivate: false, lookup: rebinding }).catch(() => undefined);
      expect(receiver.requests).toEqual([]);
      expect(asked).toEqual(["localhost"]);
    });

    it("refuses a name whose one look-up answers private, without connecting", async () => {
      const port = new URL(receiver.url).port;
      await expect(fetchGuarded({ method: "GET", url: `http://localhost:${port}/private` }, { allowPrivate: false, lookup: async () => ["127.0.0.1"] })).rejects.toThrow(
        "localhost resolves to 127.0.0.1, a private or reserved address. Set ALLOW_PRIVATE_NETWORK=true to reach services on your own network.",
      );
      expect(receiver.requests).toEqual([]);
    });
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
        await expect(client({ method: "GET", url: `http://127.0.0.1:${port}${path}` })).rejects.toThrow(/is a private or reserved address\. Set ALLOW_PRIVATE_NETWORK=true/);
    });
  });
});
