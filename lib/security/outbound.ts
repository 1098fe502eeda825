import "server-only";
import dns from "node:dns/promises";
import net from "node:net";
import { PublicError } from "@/lib/errors";

/** Addresses a user-chosen URL may not reach: loopback, private, link-local (cloud metadata), shared, multicast, reserved. */
const blocked = new net.BlockList();
for (const [subnet, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) blocked.addSubnet(subnet, prefix, "ipv4");
for (const [subnet, prefix] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["64:ff9b::", 96], ["2001:db8::", 32]] as const)
  blocked.addSubnet(subnet, prefix, "ipv6");

export function isPrivateAddress(address: string): boolean {
  const mapped = address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i)?.[1];
  if (mapped) return isPrivateAddress(mapped);
  const family = net.isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? "ipv4" : "ipv6");
}

export class OutboundRefused extends PublicError {
  constructor(message: string) {
    super(`${message}. Set ALLOW_PRIVATE_NETWORK=true to reach services on your own network.`, { status: 422 });
  }
}

export type OutboundPolicy = {
  /** true: anything goes (ALLOW_PRIVATE_NETWORK); a function: allow these URLs despite their address. */
  allowPrivate: boolean | ((url: URL) => boolean);
  lookup?: (hostname: string) => Promise<string[]>;
};

const defaultLookup = async (hostname: string) => (await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);
const cache = new Map<string, { addresses: string[]; until: number }>();

/** Refuses a URL whose host is, or resolves to, an address users may not point the app at. */
export async function assertPublicUrl(input: string | URL, policy: OutboundPolicy): Promise<void> {
  const url = new URL(input);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new OutboundRefused(`Only http and https URLs are allowed, not ${url.protocol}`);
  if (policy.allowPrivate === true || (typeof policy.allowPrivate === "function" && policy.allowPrivate(url))) return;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (net.isIP(host)) addresses = [host];
  else {
    const hit = policy.lookup ? undefined : cache.get(host);
    if (hit && hit.until > Date.now()) addresses = hit.addresses;
    else {
      try {
        addresses = await (policy.lookup ?? defaultLookup)(host);
      } catch {
        throw new OutboundRefused(`${host} does not resolve`);
      }
      if (!policy.lookup) cache.set(host, { addresses, until: Date.now() + 30_000 });
    }
  }
  const bad = addresses.find(isPrivateAddress);
  if (bad) throw new OutboundRefused(`${url.host} ${net.isIP(host) ? "is" : `resolves to ${bad}, which is`} a private, loopback or link-local address`);
}
