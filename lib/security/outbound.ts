import "server-only";
import dns from "node:dns/promises";
import net from "node:net";
import { Agent, type Dispatcher } from "undici";
import { env } from "@/lib/env";
import { PublicError } from "@/lib/errors";
import { isPrivateAddress } from "./addresses";

export { isPrivateAddress };

export class OutboundRefused extends PublicError {
  constructor(message: string) {
    super(`${message}. Set ALLOW_PRIVATE_NETWORK=true to reach services on your own network.`, { status: 422 });
  }
}

export type OutboundPolicy = {
  /** true: anything goes (ALLOW_PRIVATE_NETWORK); a function: allow these URLs despite their address. */
  allowPrivate: boolean | ((url: URL) => boolean);
  /** Resolves a name to its addresses (tests answer for names of their own); the system resolver otherwise. */
  lookup?: (hostname: string) => Promise<string[]>;
};

/** The policy users' URLs are held to, from ALLOW_PRIVATE_NETWORK. */
export const outboundPolicy = (): OutboundPolicy => ({ allowPrivate: env.ALLOW_PRIVATE_NETWORK });

const systemLookup = async (hostname: string) => (await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

const refusal = (host: string, address: string) => new OutboundRefused(host === address ? `${host} is a private or reserved address` : `${host} resolves to ${address}, a private or reserved address`);

const isAllowed = (url: URL, policy: OutboundPolicy) => policy.allowPrivate === true || (typeof policy.allowPrivate === "function" && policy.allowPrivate(url));

/** The scheme and, for an IP literal, the address: what can be judged without resolving the name. Returns the name to resolve, if any. */
function checkLiteral(url: URL, policy: OutboundPolicy): string | undefined {
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new PublicError(`Only http and https URLs are allowed, not ${url.protocol}`);
  if (isAllowed(url, policy)) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!net.isIP(host)) return host;
  if (isPrivateAddress(host)) throw refusal(url.hostname, url.hostname);
  return undefined;
}

/** Resolves a name once and refuses it if any of its addresses is private: the caller connects to exactly these. */
async function resolvePublic(hostname: string, lookup: OutboundPolicy["lookup"]): Promise<string[]> {
  const addresses = await (lookup ?? systemLookup)(hostname);
  if (addresses.length === 0) throw new Error(`${hostname} does not resolve`);
  const bad = addresses.find(isPrivateAddress);
  if (bad) throw refusal(hostname, bad);
  return addresses;
}

/**
 * Refuses a URL whose scheme is not http(s) or whose host is, or resolves to, an address users may not point
 * the app at. When a connection or channel is saved: a name that does not resolve (yet) is let through, it is
 * checked again on every request.
 */
export async function assertPublicUrl(input: string | URL, policy: OutboundPolicy): Promise<void> {
  const hostname = checkLiteral(new URL(input), policy);
  if (hostname === undefined) return;
  try {
    await resolvePublic(hostname, policy.lookup);
  } catch (error) {
    if (error instanceof PublicError) throw error;
  }
}

type LookupCallback = (error: Error | null, address: string | { address: string; family: number }[], family?: number) => void;

/** net.connect's lookup: the checked addresses, so the connection goes where the check looked (no DNS rebinding in between). */
const pinnedLookup =
  (lookup: OutboundPolicy["lookup"]) =>
  (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback) => {
    resolvePublic(hostname, lookup).then((addresses) => {
      const wanted = addresses.filter((a) => !options.family || String(options.family).endsWith(String(net.isIP(a))));
      if (wanted.length === 0) return callback(Object.assign(new Error(`${hostname} has no address of the family asked for`), { code: "ENOTFOUND" }), []);
      if (options.all) callback(null, wanted.map((address) => ({ address, family: net.isIP(address) })));
      else callback(null, wanted[0]!, net.isIP(wanted[0]!));
    }, (error: Error) => callback(error, []));
  };

const pinnedAgent = (lookup: OutboundPolicy["lookup"]) => new Agent({ connect: { lookup: pinnedLookup(lookup) as unknown as net.LookupFunction } });
const openAgent = new Agent();
const systemAgent = pinnedAgent(undefined);
const agentsOfLookups = new WeakMap<NonNullable<OutboundPolicy["lookup"]>, Agent>();

/**
 * The dispatcher one request to `url` must go through: after checking the scheme and any IP literal, one
 * whose connections resolve the name once, refuse it if private, and connect to the address checked.
 */
export function outboundDispatcher(url: URL, policy: OutboundPolicy): Dispatcher {
  if (checkLiteral(url, policy) === undefined) return openAgent;
  if (!policy.lookup) return systemAgent;
  let agent = agentsOfLookups.get(policy.lookup);
  if (!agent) agentsOfLookups.set(policy.lookup, (agent = pinnedAgent(policy.lookup)));
  return agent;
}
