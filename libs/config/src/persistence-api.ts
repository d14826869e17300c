import { z } from 'zod';
import {
  allowInsecureConnections,
  bool,
  csv,
  loadConfig,
  LogLevel,
  NodeEnv,
  perMinute,
  port,
  redisUrl,
  serviceSecret,
  setting,
  telemetrySettings,
  timeZone,
  TRUST_PROXY_HOPS_DESCRIPTION,
  trustProxyHops,
  type Env,
} from './core';

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// URL')
  .refine((v) => URL.canParse(v), 'must be a valid URL');

const base = z.object({
  NODE_ENV: setting(NodeEnv, { description: 'development, test or production. Production requires the settings marked so.' }),
  PORT: setting(port(3001), { description: 'HTTP port. App Service sets it (8080).' }),
  HOST: setting(z.string().default('0.0.0.0'), { description: 'Interface to bind.' }),
  LOG_LEVEL: setting(LogLevel, { description: 'fatal, error, warn, info, debug, trace or silent.' }),
  DATABASE_URL: setting(postgresUrl.optional(), {
    description:
      'PostgreSQL URL; SSL follows its sslmode (use sslmode=verify-full on Azure). Production refuses it without sslmode=require, verify-ca or verify-full unless ALLOW_INSECURE_CONNECTIONS=true. Unset in development: a SQLite file under DATA_DIR.',
    secret: true,
    requiredInProduction: true,
    tls: 'postgres',
  }),
  DB_POOL_MAX: setting(z.coerce.number().int().min(1).max(500).default(10), {
    description: 'PostgreSQL pool size per instance. Keep (instances x pool) below the server connection limit (B1ms: 35 for users).',
  }),
  DB_TIMEOUT_MS: setting(z.coerce.number().int().min(100).max(120_000).default(4_000), {
    description:
      "Longest wait for the database per step: getting a connection (a new one, or a free one from a full pool), and each query (PostgreSQL: cancelled on the server and abandoned on the client; SQLite: waiting for another writer's lock). Past it the request answers 503 database_unavailable. Keep it below the callers' timeouts (voice-api: 5 s).",
  }),
  DATA_DIR: setting(z.string().default('data'), {
    description: 'Directory for the development SQLite file and the generated development signing key.',
  }),
  JWT_PRIVATE_KEY: setting(z.string().optional(), {
    description: 'PEM of the ES256 (P-256) key that signs access tokens; literal \\n escapes allowed. Development generates one under DATA_DIR.',
    secret: true,
    requiredInProduction: true,
  }),
  JWT_ISSUER: setting(z.string().default('persistence-api'), { description: 'iss claim of issued tokens.' }),
  JWT_AUDIENCE: setting(z.string().default('voice-platform'), { description: 'aud claim of issued tokens.' }),
  ACCESS_TOKEN_TTL_SECONDS: setting(z.coerce.number().int().min(60).max(86_400).default(900), {
    description: 'Access token lifetime in seconds.',
  }),
  REFRESH_TOKEN_TTL_DAYS: setting(z.coerce.number().int().min(1).max(365).default(30), {
    description: 'Refresh token lifetime in days.',
  }),
  VOICE_API_CLIENT_ID: setting(
    z
      .string()
      .regex(/^[a-z0-9-]{3,64}$/)
      .default('voice-api'),
    {
      description: 'Client id of the voice-api service credential.',
    },
  ),
  VOICE_API_CLIENT_SECRET: setting(z.string().min(24, 'must be at least 24 characters').optional(), {
    description: 'Secret of the voice-api service credential (stored hashed). Set the same value in voice-api.',
    secret: true,
    requiredInProduction: true,
    defaultNote: 'development: dev-voice-api-secret-change-me',
  }),
  CORS_ALLOWED_ORIGINS: setting(csv().default([]), {
    description: 'Comma-separated origins allowed to call the API from a browser (credentials allowed).',
    defaultNote: 'development: http://localhost:3000,http://127.0.0.1:3000',
  }),
  ALLOWED_HOSTS: setting(csv().default([]), {
    description: 'Comma-separated Host header values accepted in production, e.g. myapp.azurewebsites.net.',
    requiredInProduction: true,
  }),
  WEB_CLIENT_SECRET: setting(serviceSecret(), {
    description:
      "Secret of web's service credential. Only a request carrying it (header X-Client-Secret) may name the browser's address (X-Client-Address) for sign-in throttling and rate limits; anyone else's X-Client-Address is ignored. Set the same value in web.",
    secret: true,
    requiredInProduction: true,
    defaultNote: 'development: dev-web-client-secret-change-me',
  }),
  TRUST_PROXY_HOPS: setting(trustProxyHops, { description: TRUST_PROXY_HOPS_DESCRIPTION }),
  SESSION_COOKIE_SECURE: setting(bool(), {
    description: 'Mark the refresh cookie Secure.',
    defaultNote: 'true in production, false otherwise',
  }),
  API_DOCS_PUBLIC: setting(bool(), {
    description: 'Serve the OpenAPI UI and document at /docs to anyone. Off in production unless set to true.',
    defaultNote: 'false in production, true otherwise',
  }),
  BODY_LIMIT_BYTES: setting(z.coerce.number().int().min(1024).max(10_485_760).default(262_144), {
    description: 'Largest accepted request body in bytes.',
  }),
  LOGIN_MAX_FAILURES: setting(z.coerce.number().int().min(1).max(100).default(5), {
    description: 'Failed logins per account or address before further attempts get 429.',
  }),
  LOGIN_LOCKOUT_SECONDS: setting(z.coerce.number().int().min(1).max(86_400).default(900), {
    description: 'Window and lockout length for failed-login throttling.',
  }),
  RATE_LIMIT_PER_MINUTE: setting(perMinute(100), {
    description:
      'Requests per minute for each signed-in user, or each client address when anonymous; more get 429 with Retry-After. /health and service credentials (voice-api) are never limited.',
  }),
  RATE_LIMIT_AUTH_PER_MINUTE: setting(perMinute(10), {
    description:
      'Requests per minute from one client address to the endpoints that hash passwords (/v1/auth/register, /v1/auth/login, /v1/auth/token), together.',
  }),
  REDIS_URL: setting(redisUrl.optional(), {
    description:
      'Redis for the failed-login counts and the request-rate counters, shared by every instance (Azure Cache for Redis: rediss://:<key>@<name>.redis.cache.windows.net:6380). Unset: each instance counts on its own. While it is unreachable, failed logins are counted per instance and request rates are not limited.',
    secret: true,
    tls: 'redis',
  }),
  ALLOW_INSECURE_CONNECTIONS: allowInsecureConnections(),
  CLINIC_TIMEZONE: setting(timeZone.default('UTC'), { description: 'IANA time zone the clinic shifts are written in.' }),
  CLINIC_SLOT_MINUTES: setting(z.coerce.number().int().min(5).max(240).default(30), { description: 'Appointment length.' }),
  CONVERSATION_MAX_MINUTES: setting(z.coerce.number().int().min(5).max(1440).default(60), {
    description:
      "A conversation still active this long after it started is ended (at its last message), e.g. when voice-api died mid-call. Keep it above voice-api's SESSION_MAX_MINUTES.",
  }),
  TWILIO_ACCOUNT_SID: setting(
    z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio Account SID (AC followed by 32 hex digits)')
      .optional(),
    {
      description:
        'Twilio account that sends the phone verification codes by SMS; set it with TWILIO_AUTH_TOKEN and TWILIO_SMS_FROM. Unset: development prints the codes to the console (marked development-only) and production answers 503 to phone verification.',
    },
  ),
  TWILIO_AUTH_TOKEN: setting(z.string().min(16, 'must be at least 16 characters').optional(), {
    description: "Auth token of TWILIO_ACCOUNT_SID (HTTP basic auth to Twilio's Messages API).",
    secret: true,
  }),
  TWILIO_SMS_FROM: setting(
    z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +14155550123')
      .optional(),
    { description: 'Twilio number (E.164) the verification SMS comes from.' },
  ),
  TWILIO_API_BASE_URL: setting(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).default('https://api.twilio.com'), {
    description: "Base URL of Twilio's REST API; only tests point it elsewhere (a local stand-in).",
  }),
  ...telemetrySettings,
});

const TWILIO_SMS = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_SMS_FROM'] as const;

export const persistenceApiSchema = base
  .superRefine((c, ctx) => {
    const set = TWILIO_SMS.filter((name) => c[name] !== undefined);
    if (set.length === 0 || set.length === TWILIO_SMS.length) return;
    for (const name of TWILIO_SMS.filter((n) => c[n] === undefined)) {
      ctx.addIssue({ code: 'custom', path: [name], message: `is required with ${set.join(' and ')} (Twilio SMS needs all three)` });
    }
  })
  .transform((c) => {
    const production = c.NODE_ENV === 'production';
    return {
      ...c,
      SESSION_COOKIE_SECURE: c.SESSION_COOKIE_SECURE ?? production,
      API_DOCS_PUBLIC: c.API_DOCS_PUBLIC ?? !production,
      VOICE_API_CLIENT_SECRET: c.VOICE_API_CLIENT_SECRET ?? 'dev-voice-api-secret-change-me',
      WEB_CLIENT_SECRET: c.WEB_CLIENT_SECRET ?? 'dev-web-client-secret-change-me',
      CORS_ALLOWED_ORIGINS: c.CORS_ALLOWED_ORIGINS.length || production ? c.CORS_ALLOWED_ORIGINS : ['http://localhost:3000', 'http://127.0.0.1:3000'],
    };
  });

export const persistenceApiSettings = base;
export type PersistenceApiConfig = z.output<typeof persistenceApiSchema>;

export const loadPersistenceApiConfig = (env: Env = process.env): PersistenceApiConfig => loadConfig('persistence-api', persistenceApiSchema, env, base);
