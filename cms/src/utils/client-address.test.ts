import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress, trustedProxies } from './client-address';

describe("a request's client", () => {
  const trusted = trustedProxies({ TRUSTED_PROXIES: '127.0.0.1,::1,10.0.0.2' });

  it('believes X-Forwarded-For only from a trusted proxy, and only its untrusted right end', () => {
    expect(clientAddress('203.0.113.9', '198.51.100.1', trusted)).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.1', '198.51.100.1', trusted)).toBe('198.51.100.1');
    expect(clientAddress('::ffff:127.0.0.1', '198.51.100.1', trusted)).toBe('198.51.100.1');
    // A client that sends its own X-Forwarded-For through nginx: nginx appends the real address.
    expect(clientAddress('127.0.0.1', '1.2.3.4, 198.51.100.7', trusted)).toBe('198.51.100.7');
    expect(clientAddress('127.0.0.1', '198.51.100.7, 10.0.0.2', trusted)).toBe('198.51.100.7');
    expect(clientAddress('127.0.0.1', 'garbage', trusted)).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', undefined, trusted)).toBe('127.0.0.1');
  });

  it('trusts whole networks where proxies have no fixed address (containers), and refuses a malformed entry', () => {
    const network = trustedProxies({ TRUSTED_PROXIES: '172.16.0.0/12,fd00::/8' });
    expect(clientAddress('172.18.0.5', '198.51.100.1', network)).toBe('198.51.100.1');
    expect(clientAddress('fd12::5', '2001:db8::1', network)).toBe('2001:db8::1');
    expect(clientAddress('172.32.0.5', '198.51.100.1', network)).toBe('172.32.0.5');
    expect(() => trustedProxies({ TRUSTED_PROXIES: 'nginx' })).toThrow(/TRUSTED_PROXIES: "nginx"/);
    expect(() => trustedProxies({ TRUSTED_PROXIES: '10.0.0.0/x' })).toThrow(/not an address or a network/);
  });

  it('keys IPv4 by address and IPv6 by /64', () => {
    expect(addressKey('198.51.100.7')).toBe('198.51.100.7');
    expect(addressKey('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:DB8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});
