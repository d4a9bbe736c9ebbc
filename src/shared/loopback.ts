/**
 * Is a host this machine's loopback? Used where loopback changes what we may do: the preflight
 * reads a tarball itself only from a loopback URL, the local cluster binds and fetches only on
 * loopback addresses.
 */

/** `127.x.y.z` with every part 0-255: the addresses the local cluster binds. */
export function isLoopbackIPv4(host: string): boolean {
  const match = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return match !== null && match.slice(1).every((part) => Number(part) <= 255);
}

/**
 * `localhost`, `::1` (bare, or in brackets as `URL.hostname` gives it) or a 127.x.y.z address.
 * Names are not resolved: a name that merely resolves to loopback does not count.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return bare === 'localhost' || bare === '::1' || isLoopbackIPv4(bare);
}
