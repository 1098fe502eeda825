/**
 * Which IP addresses a user-chosen URL may reach: none of the IANA IPv4 and IPv6 Special-Purpose Address
 * Registries' ranges that are not globally reachable (loopback, private, link-local and cloud metadata,
 * shared, documentation, benchmarking, multicast, reserved …), and no IPv6 form that carries such an IPv4
 * address inside it (IPv4-mapped, NAT64, 6to4, Teredo). IPv6 outside global unicast (2000::/3) is refused.
 */
import net from "node:net";

type Range = { base: bigint; bits: number };

const ipv4Value = (address: string) => address.split(".").reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n);

/** The 128-bit value of an IPv6 address (with or without a zone or a dotted IPv4 tail). */
function ipv6Value(address: string): bigint {
  let text = address.split("%")[0]!.toLowerCase();
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/)?.[1];
  if (dotted) {
    const v4 = ipv4Value(dotted);
    text = `${text.slice(0, -dotted.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return groups.reduce((n, group) => (n << 16n) | BigInt(parseInt(group, 16)), 0n);
}

const rangesOf = (cidrs: string[], value: (a: string) => bigint) =>
  cidrs.map((cidr): Range => {
    const [base, bits] = cidr.split("/");
    return { base: value(base!), bits: Number(bits) };
  });

const within = (value: bigint, range: Range, width: number) => value >> BigInt(width - range.bits) === range.base >> BigInt(width - range.bits);

/** IANA IPv4 Special-Purpose Address Registry (not globally reachable), plus multicast. */
const IPV4_BLOCKED = rangesOf(
  [
    "0.0.0.0/8", // this network
    "10.0.0.0/8", // private
    "100.64.0.0/10", // shared address space (carrier-grade NAT)
    "127.0.0.0/8", // loopback
    "169.254.0.0/16", // link-local, cloud metadata
    "172.16.0.0/12", // private
    "192.0.0.0/24", // IETF protocol assignments
    "192.0.2.0/24", // documentation
    "192.88.99.0/24", // 6to4 relay anycast (deprecated)
    "192.168.0.0/16", // private
    "198.18.0.0/15", // benchmarking
    "198.51.100.0/24", // documentation
    "203.0.113.0/24", // documentation
    "224.0.0.0/4", // multicast
    "240.0.0.0/4", // reserved, and 255.255.255.255 broadcast
  ],
  ipv4Value,
);

/** IANA IPv6 Special-Purpose Address Registry (not globally reachable), plus the deprecated and multicast ranges. */
const IPV6_BLOCKED = rangesOf(
  [
    "::/96", // unspecified, loopback and IPv4-compatible (deprecated)
    "::ffff:0:0:0/96", // IPv4-translated
    "64:ff9b:1::/48", // local-use IPv4/IPv6 translation
    "100::/64", // discard-only
    "100:0:0:1::/64", // dummy prefix
    "2001::/23", // IETF protocol assignments (Teredo, 2001::/32, is judged by what it carries)
    "2001:db8::/32", // documentation
    "3fff::/20", // documentation
    "5f00::/16", // segment routing SIDs
    "fc00::/7", // unique local
    "fe80::/10", // link-local
    "fec0::/10", // site-local (deprecated)
    "ff00::/8", // multicast
  ],
  ipv6Value,
);

const GLOBAL_UNICAST = rangesOf(["2000::/3"], ipv6Value)[0]!;
const [MAPPED, NAT64, SIX_TO_FOUR, TEREDO] = rangesOf(["::ffff:0:0/96", "64:ff9b::/96", "2002::/16", "2001::/32"], ipv6Value);

const ipv4Text = (value: bigint) => [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");

/** The IPv4 addresses an IPv6 address stands for: mapped, NAT64 (RFC 6052), 6to4 (RFC 3056), Teredo server and client (RFC 4380). */
function carriedIpv4(value: bigint): string[] | undefined {
  const low32 = value & 0xffffffffn;
  if (within(value, MAPPED!, 128) || within(value, NAT64!, 128)) return [ipv4Text(low32)];
  if (within(value, SIX_TO_FOUR!, 128)) return [ipv4Text((value >> 80n) & 0xffffffffn)];
  if (within(value, TEREDO!, 128)) return [ipv4Text((value >> 64n) & 0xffffffffn), ipv4Text(low32 ^ 0xffffffffn)];
  return undefined;
}

/** True for any address a user-chosen URL may not reach (and for anything that is not an IP address). */
export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address.split("%")[0]!);
  if (family === 4) return IPV4_BLOCKED.some((r) => within(ipv4Value(address), r, 32));
  if (family !== 6) return true;
  const value = ipv6Value(address);
  const carried = carriedIpv4(value);
  if (carried) return carried.some(isPrivateAddress);
  return !within(value, GLOBAL_UNICAST, 128) || IPV6_BLOCKED.some((r) => within(value, r, 128));
}
