import { CLIENT_ADDRESS_HEADER, CLIENT_SECRET_HEADER } from '@voice/contracts/persistence';
import { headers } from 'next/headers';
import { clientAddressFrom } from './client-address';
import { webConfig } from './config';

/**
 * What web adds to a sign-in, registration or session call to persistence-api made for a browser:
 * the browser's address, and web's service secret that makes persistence-api believe it. Without
 * them every browser would share web's own address in persistence-api's sign-in throttling.
 */
export async function browserAddressHeaders(): Promise<Record<string, string>> {
  const { TRUST_PROXY_HOPS, WEB_CLIENT_SECRET } = webConfig();
  const address = clientAddressFrom(await headers(), TRUST_PROXY_HOPS);
  return address ? { [CLIENT_ADDRESS_HEADER]: address, [CLIENT_SECRET_HEADER]: WEB_CLIENT_SECRET } : {};
}
