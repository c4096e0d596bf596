import net from 'node:net';

/**
 * Who a request comes from, for rate limits and for the poll's one-vote-per-reader rule. Behind a
 * reverse proxy (nginx) every request comes from the proxy: its `X-Forwarded-For` names the
 * reader, but only a trusted proxy's may be believed, or any client could name itself anyone.
 *
 * TRUSTED_PROXIES lists the proxies' addresses or networks (comma-separated; default: loopback,
 * where nginx runs beside the CMS; in containers, the network nginx runs in). The reader is the right-most address of `X-Forwarded-For` that is not a
 * trusted proxy, when the connection comes from one; otherwise the connection's own address.
 */
export function trustedProxies(env: NodeJS.ProcessEnv = process.env): TrustedProxies {
  const list = new net.BlockList();
  for (const entry of (env.TRUSTED_PROXIES ?? '127.0.0.1,::1')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)) {
    const [address, bits] = entry.split('/');
    const family = net.isIPv6(address) ? 'ipv6' : 'ipv4';
    if (!net.isIP(address) || (bits !== undefined && !/^\d{1,3}$/.test(bits)))
      throw new Error(`TRUSTED_PROXIES: "${entry}" is not an address or a network (e.g. 10.0.0.0/8).`);
    if (bits === undefined) list.addAddress(normalize(address), family);
    else list.addSubnet(address, Number(bits), family);
  }
  return {
    has: (address: string) => net.isIP(address) > 0 && list.check(address, net.isIPv6(address) ? 'ipv6' : 'ipv4'),
  };
}

/** Addresses or networks (TRUSTED_PROXIES: `10.0.0.2`, `172.16.0.0/12`, `::1`) whose X-Forwarded-For is believed. */
export interface TrustedProxies {
  has(address: string): boolean;
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`, how Node reports IPv4 on a dual-stack socket) as IPv4. */
const normalize = (address: string) => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1').toLowerCase();

export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trusted: TrustedProxies
): string {
  const peer = normalize(socketAddress ?? '');
  if (!trusted.has(peer) || !forwardedFor) return peer;
  const hops = forwardedFor
    .split(',')
    .map((a) => normalize(a.trim()))
    .filter((a) => net.isIP(a));
  for (let i = hops.length - 1; i >= 0; i--) if (!trusted.has(hops[i])) return hops[i];
  return hops[0] ?? peer;
}

/**
 * The part of an address that identifies one client: all of an IPv4 address, the /64 of an IPv6
 * one (a home or a phone gets a /64 and picks addresses in it at will).
 */
export function addressKey(address: string): string {
  const a = normalize(address);
  if (!net.isIPv6(a)) return a;
  const [head, tail = ''] = a.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  if (right.length && right[right.length - 1].includes('.')) right.splice(-1, 1, '0', '0'); // embedded IPv4
  const groups = a.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}
