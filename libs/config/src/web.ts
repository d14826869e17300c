import { z } from 'zod';
import {
  allowInsecureConnections,
  bool,
  loadConfig,
  LogLevel,
  NodeEnv,
  port,
  redisUrl,
  serviceSecret,
  setting,
  telemetrySettings,
  TRUST_PROXY_HOPS_DESCRIPTION,
  trustProxyHops,
  type Env,
} from './core';

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

const base = z.object({
  NODE_ENV: setting(NodeEnv, { description: 'development, test or production. Production requires the settings marked so.' }),
  PORT: setting(port(3000), { description: 'HTTP port. App Service sets it (8080).' }),
  HOSTNAME: setting(z.string().default('0.0.0.0'), { description: 'Interface the standalone server binds.' }),
  LOG_LEVEL: setting(LogLevel, { description: 'fatal, error, warn, info, debug, trace or silent.' }),
  PERSISTENCE_API_URL: setting(httpUrl.default('http://127.0.0.1:3001'), {
    description: 'Base URL of persistence-api, read on the server at run time (HTTPS in Azure).',
    requiredInProduction: true,
    tls: 'http',
  }),
  VOICE_API_URL: setting(httpUrl.default('http://127.0.0.1:3002'), {
    description: 'Base URL of voice-api, read on the server at run time; browsers open its WebSocket, so it must be public (HTTPS in Azure).',
    requiredInProduction: true,
    tls: 'http',
  }),
  WEB_CLIENT_SECRET: setting(serviceSecret(), {
    description:
      "Secret of web's service credential for persistence-api: sent with sign-in, registration and session refresh so persistence-api takes the browser's address from web. The same value as in persistence-api.",
    secret: true,
    requiredInProduction: true,
    defaultNote: 'development: dev-web-client-secret-change-me',
  }),
  TRUST_PROXY_HOPS: setting(trustProxyHops, { description: TRUST_PROXY_HOPS_DESCRIPTION }),
  LIVEKIT_URL: setting(z.url({ protocol: /^(wss?|https?)$/, message: 'must be a ws(s):// or http(s):// URL' }).optional(), {
    description: "LiveKit server URL, when voice-api uses LiveKit: browsers connect to it, so the page's CSP allows it.",
    tls: 'websocket',
  }),
  SESSION_COOKIE_SECURE: setting(bool(), {
    description: 'Mark the session cookie Secure (HTTPS only).',
    defaultNote: 'true in production, false otherwise',
  }),
  REDIS_URL: setting(redisUrl.optional(), {
    description:
      'Redis for the sign-in sessions, shared by every instance (Azure Cache for Redis: rediss://:<key>@<name>.redis.cache.windows.net:6380). Unset: in memory, one instance.',
    secret: true,
    tls: 'redis',
  }),
  ALLOW_INSECURE_CONNECTIONS: allowInsecureConnections(),
  SESSION_IDLE_MINUTES: setting(
    z.coerce
      .number()
      .int()
      .min(5)
      .max(60 * 24 * 30)
      .default(60 * 24 * 7),
    {
      description: 'A signed-in browser session that is not used for this long ends.',
    },
  ),
  HEALTH_TIMEOUT_MS: setting(z.coerce.number().int().min(100).max(5000).default(700), {
    description: 'How long /api/health waits for each API before naming it down.',
  }),
  ...telemetrySettings,
});

export const webSchema = base.transform((c) => ({
  ...c,
  SESSION_COOKIE_SECURE: c.SESSION_COOKIE_SECURE ?? c.NODE_ENV === 'production',
  WEB_CLIENT_SECRET: c.WEB_CLIENT_SECRET ?? 'dev-web-client-secret-change-me',
}));
export const webSettings = base;
export type WebConfig = z.output<typeof webSchema>;

export const loadWebConfig = (env: Env = process.env): WebConfig => loadConfig('web', webSchema, env, base);
