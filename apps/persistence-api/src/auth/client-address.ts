import { CLIENT_ADDRESS_HEADER, CLIENT_SECRET_HEADER, ClientAddress } from '@voice/contracts/persistence';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The address sign-in throttling and rate limits count against: the browser's, when web names it in
 * X-Client-Address together with its own service secret (X-Client-Secret); otherwise the connection's
 * (request.ip, which follows TRUST_PROXY_HOPS). Anyone else's X-Client-Address is ignored.
 */
export function clientAddress(request: FastifyRequest, webClientSecret: string): string {
  const named = request.headers[CLIENT_ADDRESS_HEADER];
  const secret = request.headers[CLIENT_SECRET_HEADER];
  if (typeof named !== 'string' || typeof secret !== 'string') return request.ip;
  if (!timingSafeEqual(digest(secret), digest(webClientSecret))) return request.ip;
  return ClientAddress.safeParse(named).success ? named : request.ip;
}
