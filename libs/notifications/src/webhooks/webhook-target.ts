// Which webhook URLs may be called: http(s) only, and no private, loopback, link-local or otherwise
// non-public address unless the allowlist names the host (or host:port). Checked when an endpoint is
// registered, before each POST, and on the addresses the connection itself uses (connectLookup): a name that
// answers a public address to the check and a private one to the connection (DNS rebinding) is refused there.
import { LookupAddress, lookup as socketLookup } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, LookupFunction } from 'node:net';

/** The error code of a connection the policy refused (the name resolved to a refused address at connect time). */
export const TARGET_REFUSED = 'ETARGETREFUSED';

export type AddressLookup = (hostname: string) => Promise<string[]>;

interface AllowedTarget {
  host: string;
  port?: number;
}

// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are checked against the IPv4 rules by BlockList itself. The other
// IPv6 forms that carry an IPv4 address (IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo
// 2001::/32) are refused whole: the address inside may be loopback or private, and no webhook receiver needs them.
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 32], ['2001:db8::', 32], ['2002::', 16],
  ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) NON_PUBLIC.addSubnet(network, prefix, 'ipv6');

const systemLookup: AddressLookup = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class WebhookTargetPolicy {
  private readonly allowed: AllowedTarget[];

  /** `allowlist`: `host` or `host:port` entries (`[::1]:8080` for IPv6 with a port). */
  constructor(
    allowlist: readonly string[],
    private readonly lookup: AddressLookup = systemLookup,
  ) {
    this.allowed = allowlist.map(parseAllowed).filter((entry): entry is AllowedTarget => entry !== undefined);
  }

  /** Why this URL may not be called, or undefined when it may. */
  async refusal(rawUrl: string): Promise<string | undefined> {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return 'not a valid URL';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'only http and https URLs are accepted';
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    if (this.allowed.some((entry) => entry.host === host && (entry.port === undefined || entry.port === port))) return undefined;
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : await this.lookup(host);
    } catch {
      return `host ${host} does not resolve`;
    }
    if (!addresses.length) return `host ${host} does not resolve`;
    return blockedAddress(host, addresses);
  }

  /**
   * A `lookup` for the sockets that carry webhook POSTs: resolves the name once more and hands the connection only
   * addresses the policy accepts, so the address checked is the address connected to. Names the allowlist holds
   * resolve freely (refusal() has checked the port). IP literals never come here: refusal() checked them.
   */
  readonly connectLookup: LookupFunction = (hostname, options, callback) => {
    const host = hostname.toLowerCase();
    if (this.allowed.some((entry) => entry.host === host)) return socketLookup(hostname, options as never, callback as never);
    // the answer leaves the promise chain: an exception in the socket's callback must not become a rejection
    const answer = (...args: unknown[]) => process.nextTick(() => (callback as (...args: unknown[]) => void)(...args));
    this.lookup(host).then(
      (addresses) => {
        const refused = addresses.length ? blockedAddress(host, addresses) : `host ${host} does not resolve`;
        if (refused) return answer(Object.assign(new Error(refused), { code: TARGET_REFUSED }));
        const entries: LookupAddress[] = addresses
          .map((address) => ({ address, family: isIP(address) }))
          .filter((entry) => !options.family || entry.family === options.family);
        if (!entries.length) return answer(Object.assign(new Error(`host ${host} has no IPv${options.family} address`), { code: 'ENOTFOUND' }));
        if (options.all) answer(null, entries);
        else answer(null, entries[0].address, entries[0].family);
      },
      (error: NodeJS.ErrnoException) => answer(Object.assign(error, { code: error.code ?? 'ENOTFOUND' })),
    );
  };
}

function blockedAddress(host: string, addresses: readonly string[]): string | undefined {
  const blocked = addresses.find((address) => !isPublicAddress(address));
  return blocked ? `private, loopback and link-local targets are refused (${host} is ${blocked})` : undefined;
}

function parseAllowed(entry: string): AllowedTarget | undefined {
  const text = entry.trim().toLowerCase();
  if (!text) return undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1], port: bracketed[2] ? Number(bracketed[2]) : undefined };
  const withPort = /^([^:]+):(\d+)$/.exec(text);
  if (withPort) return { host: withPort[1], port: Number(withPort[2]) };
  return { host: text };
}
