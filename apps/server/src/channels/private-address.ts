import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** The range an address falls in, as ipaddr.js names it, and whether the server may call it. */
export interface AddressClass {
  range: string;
  isPublic: boolean;
}

/** Every address a host name stands for; rejects (with the resolver's code) when it has none. */
export type ResolveHost = (host: string) => Promise<string[]>;

export const resolveWithSystem: ResolveHost = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

// IPv6 transition ranges whose reachability is that of the IPv4 address they carry.
const TRANSITION_RANGES = new Set(['rfc6052', '6to4', 'teredo']);

function ipv4Of(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function embeddedIpv4(address: ipaddr.IPv6, range: string): ipaddr.IPv4[] {
  const [, p1 = 0, p2 = 0, p3 = 0, , , p6 = 0, p7 = 0] = address.parts;
  if (range === '6to4') return [ipv4Of(p1, p2)];
  // Teredo: the server's address in clear, the client's with every bit flipped.
  if (range === 'teredo') return [ipv4Of(p2, p3), ipv4Of(~p6 & 0xffff, ~p7 & 0xffff)];
  return [ipv4Of(p6, p7)];
}

function classifyIpv6(address: ipaddr.IPv6): AddressClass {
  const range = address.range();
  if (TRANSITION_RANGES.has(range)) {
    // 64:ff9b:1::/48 is for local use (RFC 8215): whatever it carries, it stays inside.
    if (range === 'rfc6052' && address.parts[2] !== 0) return { range, isPublic: false };
    for (const inner of embeddedIpv4(address, range)) {
      const innerRange = inner.range();
      if (innerRange !== 'unicast') return { range: `${range} embedding ${innerRange}`, isPublic: false };
    }
    return { range, isPublic: true };
  }
  if (range !== 'unicast') return { range, isPublic: false };
  // Only 2000::/3 is allocated for global unicast; the rest of "unicast" is unassigned.
  if (address.parts[0]! >> 13 !== 1) {
    const compatible = address.parts.slice(0, 6).every((part) => part === 0);
    return { range: compatible ? 'ipv4Compatible' : 'notGlobalUnicast', isPublic: false };
  }
  return { range, isPublic: true };
}

/**
 * Whether the server may connect to an address: only public unicast ones (and IPv6
 * transition addresses that carry a public IPv4 address). Anything else could reach the
 * server's own network (SSRF).
 */
export function classifyAddress(address: string): AddressClass {
  if (!isIP(address.replace(/%.*$/, ''))) return { range: 'invalid', isPublic: false };
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return { range: 'invalid', isPublic: false };
  }
  if (parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress()) parsed = parsed.toIPv4Address();
  if (parsed instanceof ipaddr.IPv6) return classifyIpv6(parsed);
  const range = parsed.range();
  return { range, isPublic: range === 'unicast' };
}

/** Why the server may not connect to `host`, given the addresses it resolved to, or null. */
export function refusalOf(host: string, addresses: readonly string[], classify = classifyAddress): string | null {
  if (addresses.length === 0) return `${host} resolves to no address`;
  const refused = addresses.map((address) => ({ address, ...classify(address) })).filter((entry) => !entry.isPublic);
  if (refused.length === 0) return null;
  if (addresses.length === 1 && addresses[0] === host) {
    return `${host} is a private or reserved address (${refused[0]!.range})`;
  }
  return `${host} resolves to a private or reserved address: ${refused.map((entry) => `${entry.address} (${entry.range})`).join(', ')}`;
}

/** `localhost` and its subdomains are loopback by definition (RFC 6761), whatever a resolver says. */
export function isLocalhostName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/** How outgoing connections find addresses, and whether private ones are allowed. */
export interface ConnectionPolicy {
  resolveHost: ResolveHost;
  allowPrivateTargets: boolean;
  /** Which addresses are public: classifyAddress, unless a test network says otherwise. */
  classify: (address: string) => AddressClass;
}

/**
 * Why no connection to a host may be made: it does not resolve, its look-up failed for now
 * (a DNS server that did not answer), or it is private.
 */
export class UnusableHost extends Error {
  override name = 'UnusableHost';

  constructor(
    message: string,
    readonly reason: 'unresolvable' | 'lookup-failed' | 'private',
  ) {
    super(message);
  }

  /** Node's lookup callers look for a code. */
  get code(): string {
    return this.reason === 'private' ? 'EACCES' : this.reason === 'unresolvable' ? 'ENOTFOUND' : 'EAI_AGAIN';
  }
}

function codeOf(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? code : String(message ?? error);
}

/**
 * The addresses the server may connect to for `host` (a name or an IP literal). Throws
 * when the name does not resolve (never "public" by default) or, unless private targets
 * are allowed, when any address it stands for is private or reserved.
 */
export async function resolveTarget(host: string, { resolveHost, allowPrivateTargets, classify }: ConnectionPolicy): Promise<string[]> {
  if (!allowPrivateTargets && isLocalhostName(host)) throw new UnusableHost(`${host} is a loopback name`, 'private');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolveHost(host);
  } catch (error) {
    const code = codeOf(error);
    // Only "no such name" is an answer; anything else may pass.
    const reason = code === 'ENOTFOUND' || code === 'ENODATA' ? 'unresolvable' : 'lookup-failed';
    throw new UnusableHost(`${host} does not resolve (${code})`, reason);
  }
  if (addresses.length === 0) throw new UnusableHost(`${host} resolves to no address`, 'unresolvable');
  const refusal = allowPrivateTargets ? null : refusalOf(host, addresses, classify);
  if (refusal) throw new UnusableHost(refusal, 'private');
  return addresses;
}
