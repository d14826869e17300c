/**
 * What a connection URL setting carries, and so what TLS looks like for it:
 * http: https://; websocket: wss:// (or https://, which clients upgrade to wss://);
 * postgres: sslmode=require, verify-ca or verify-full; redis: rediss://.
 */
export type Transport = 'http' | 'websocket' | 'postgres' | 'redis';

const ALLOW = 'or set ALLOW_INSECURE_CONNECTIONS=true to allow it on a network you trust';

/** Protocols that travel in the clear, per transport. Other protocols are the schema's to judge. */
const CLEARTEXT: Record<Exclude<Transport, 'postgres'>, { protocols: string[]; message: string }> = {
  http: { protocols: ['http:'], message: `must be an https:// URL when NODE_ENV=production (${ALLOW})` },
  websocket: { protocols: ['ws:', 'http:'], message: `must be a wss:// (or https://) URL when NODE_ENV=production (${ALLOW})` },
  redis: { protocols: ['redis:'], message: `must be a rediss:// (TLS) URL when NODE_ENV=production (${ALLOW})` },
};

/** The sslmodes with which node-postgres refuses to talk without TLS. */
const TLS_SSLMODES = ['require', 'verify-ca', 'verify-full'];

function postgresProblem(url: URL): string | undefined {
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return undefined;
  const sslmode = url.searchParams.get('sslmode');
  if (sslmode !== null && TLS_SSLMODES.includes(sslmode)) return undefined;
  const what = sslmode === null ? 'has no sslmode' : `has sslmode=${sslmode}, which does not require TLS`;
  return `${what}: add sslmode=verify-full (or require, verify-ca) when NODE_ENV=production, ${ALLOW}`;
}

/** Why `value` (a setting of this transport) is not a TLS connection, or undefined when it is (or is no URL at all). */
export function insecureConnection(transport: Transport, value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (transport === 'postgres') return postgresProblem(url);
  const rule = CLEARTEXT[transport];
  return rule.protocols.includes(url.protocol) ? rule.message : undefined;
}

/** One problem per set URL setting that would connect without TLS. Messages name the variable's rule, never its value. */
export function secureConnectionProblems(env: Record<string, string | undefined>, settings: Record<string, Transport>) {
  const problems: { variable: string; message: string }[] = [];
  for (const [variable, transport] of Object.entries(settings)) {
    const value = env[variable];
    const message = value === undefined ? undefined : insecureConnection(transport, value);
    if (message) problems.push({ variable, message });
  }
  return problems;
}
