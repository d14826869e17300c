import { ClientAddress } from '@voice/contracts/persistence';

/**
 * The connection's own address, written by the server on every request (instrumentation-node.ts)
 * over whatever the client sent: Next keeps a client's X-Forwarded-For as it came, so without a
 * proxy that header is the client's to choose.
 */
export const PEER_ADDRESS_HEADER = 'x-web-peer-address';

interface HeaderReader {
  get(name: string): string | null;
}

/**
 * The browser's address as TRUST_PROXY_HOPS says to find it: with no proxy (0) the connection's
 * address; behind N proxies the Nth address from the right of X-Forwarded-For, the one the outermost
 * trusted proxy saw (each proxy appends the address that connected to it). Undefined when unknown.
 */
export function clientAddressFrom(headers: HeaderReader, trustProxyHops: number): string | undefined {
  let address: string | undefined;
  if (trustProxyHops === 0) address = headers.get(PEER_ADDRESS_HEADER) ?? undefined;
  else {
    const forwarded = (headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    address = forwarded.length >= trustProxyHops ? forwarded[forwarded.length - trustProxyHops] : undefined;
  }
  address = address?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return address && ClientAddress.safeParse(address).success ? address : undefined;
}
