import { promises as dns } from 'node:dns';
import { BlockList, isIP, LookupFunction } from 'node:net';

/** Resolves a host name to every address it has (the default is the system resolver). */
export type ProbeResolver = (
  hostname: string,
) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: ProbeResolver = hostname =>
  dns.lookup(hostname, { all: true, verbatim: true });

// Addresses a probe must not reach from inside the company network. BlockList also matches
// IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) against the IPv4 rules.
const internal = new BlockList();
internal.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network", incl. the unspecified address
internal.addSubnet('10.0.0.0', 8, 'ipv4');
internal.addSubnet('100.64.0.0', 10, 'ipv4'); // CGNAT
internal.addSubnet('127.0.0.0', 8, 'ipv4');
internal.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, incl. cloud metadata
internal.addSubnet('172.16.0.0', 12, 'ipv4');
internal.addSubnet('192.168.0.0', 16, 'ipv4');
internal.addAddress('::', 'ipv6');
internal.addAddress('::1', 'ipv6');
internal.addSubnet('fc00::', 7, 'ipv6'); // unique local
internal.addSubnet('fe80::', 10, 'ipv6'); // link-local

/** Whether an IP address is loopback, private, link-local, CGNAT or unspecified. */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an address: refuse rather than guess
  return internal.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const FAMILIES: Record<string, number> = { IPv4: 4, IPv6: 6 };

/** Raised when a probed host resolves to an internal address. */
export class InternalAddressError extends Error {
  readonly code = 'EPROBEINTERNAL';
  constructor(readonly host: string, readonly address: string) {
    super(
      host === address
        ? `${host} is an internal address`
        : `${host} resolves to ${address}, an internal address`,
    );
  }
}

/**
 * A `lookup` for `http.request` that resolves the host and fails the connection when any
 * of its addresses is internal. Checking where the socket connects (not beforehand) means a
 * DNS answer that changes between a check and the connection cannot get through.
 */
export function guardedLookup(
  resolve: ProbeResolver,
  allowInternal: boolean,
): LookupFunction {
  return (hostname, options, callback) => {
    const family =
      typeof options.family === 'string'
        ? FAMILIES[options.family]
        : options.family;
    Promise.resolve()
      .then(() => resolve(hostname))
      .then(
        all => {
          const bad = all.find(a => isInternalAddress(a.address));
          if (bad && !allowInternal) {
            callback(new InternalAddressError(hostname, bad.address), '');
            return;
          }
          const wanted = all.filter(a => !family || a.family === family);
          if (wanted.length === 0) {
            const error: NodeJS.ErrnoException = new Error(
              `No address for ${hostname}`,
            );
            error.code = 'ENOTFOUND';
            callback(error, '');
          } else if (options.all) {
            callback(null, wanted);
          } else {
            callback(null, wanted[0].address, wanted[0].family);
          }
        },
        error => callback(error, ''),
      );
  };
}
