import { clientAddressFrom, PEER_ADDRESS_HEADER } from './client-address';

const headers = (values: Record<string, string>) => new Headers(values);

describe('clientAddressFrom', () => {
  it('with no proxy (0 hops) takes the connection address and ignores the X-Forwarded-For a client sent', () => {
    const h = headers({ [PEER_ADDRESS_HEADER]: '203.0.113.7', 'x-forwarded-for': '198.51.100.1' });
    expect(clientAddressFrom(h, 0)).toBe('203.0.113.7');
  });

  it('behind one proxy (App Service) takes the address that proxy appended, not one the client put before it', () => {
    const h = headers({ [PEER_ADDRESS_HEADER]: '10.0.0.2', 'x-forwarded-for': '198.51.100.1, 203.0.113.7' });
    expect(clientAddressFrom(h, 1)).toBe('203.0.113.7');
    expect(clientAddressFrom(h, 2)).toBe('198.51.100.1');
  });

  it('is undefined when the header holds fewer addresses than trusted hops, or no address at all', () => {
    expect(clientAddressFrom(headers({ 'x-forwarded-for': '203.0.113.7' }), 2)).toBeUndefined();
    expect(clientAddressFrom(headers({}), 1)).toBeUndefined();
    expect(clientAddressFrom(headers({}), 0)).toBeUndefined();
    expect(clientAddressFrom(headers({ 'x-forwarded-for': 'evil.example' }), 1)).toBeUndefined();
  });

  it('reads IPv4-mapped IPv6 as IPv4 and keeps IPv6', () => {
    expect(clientAddressFrom(headers({ [PEER_ADDRESS_HEADER]: '::ffff:127.0.0.1' }), 0)).toBe('127.0.0.1');
    expect(clientAddressFrom(headers({ [PEER_ADDRESS_HEADER]: '2001:db8::1' }), 0)).toBe('2001:db8::1');
  });
});
