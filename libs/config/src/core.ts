import { z } from 'zod';
import { secureConnectionProblems, type Transport } from './secure-connections';

export type Env = Record<string, string | undefined>;

/** Describes one setting for humans: the .env.example files and DEPLOYMENT.md tables come from it. */
export interface SettingMeta {
  description: string;
  secret?: boolean;
  /** Shown instead of the schema default where the default depends on NODE_ENV. */
  defaultNote?: string;
  requiredInProduction?: boolean;
  /** A connection URL that must use TLS in production (see secureConnectionProblems). */
  tls?: Transport;
}

export const setting = <T extends z.ZodType>(schema: T, meta: SettingMeta): T => schema.meta({ ...meta }) as T;

export class ConfigError extends Error {
  constructor(
    readonly app: string,
    readonly problems: { variable: string; message: string }[],
  ) {
    super(`Invalid configuration for ${app}; fix these environment variables:\n` + problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

export const NodeEnv = z.enum(['development', 'test', 'production']).default('development');

export const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

export const bool = (fallback?: boolean) => {
  const parsed = z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
  return fallback === undefined ? parsed.optional() : parsed.default(fallback);
};

export const csv = () =>
  z.string().transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

export const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Berlin');

/** A Redis URL; rediss:// for TLS (Azure Cache for Redis listens on 6380 with TLS only). */
export const redisUrl = z.url({ protocol: /^rediss?$/, message: 'must be a redis:// or rediss:// URL' });

/** How many proxies to trust for X-Forwarded-For; 0 (no proxy) unless the platform adds one. */
export const trustProxyHops = z.coerce.number().int().min(0).max(5).default(0);
export const TRUST_PROXY_HOPS_DESCRIPTION =
  'How many proxies in front of the app to trust for X-Forwarded-For/-Proto. 0: clients connect directly and any X-Forwarded-For they send is ignored. App Service: 1 (its front end).';

/** Requests per minute allowed by a rate limit. */
export const perMinute = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);

/** A shared secret between two of our services. */
export const serviceSecret = () => z.string().min(24, 'must be at least 24 characters').optional();

/** The one switch that lets production connect without TLS (the URL settings marked `tls`). */
export const allowInsecureConnections = () =>
  setting(bool(false), {
    description:
      'Production refuses, at start-up, connection URLs without TLS: http:// service URLs, ws:// WebSocket URLs, redis:// URLs and PostgreSQL URLs whose sslmode is not require, verify-ca or verify-full. true allows them, for a network you trust (a local test, a private network). Outside production it changes nothing.',
  });
/**
 * Where each app sends its traces and metrics (OpenTelemetry). server-kit's telemetry.ts reads these
 * before the configuration loads, since it must start first; the schema checks and documents them.
 */
export const telemetrySettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: setting(
    z
      .string()
      .regex(/InstrumentationKey=/i, 'must be an Application Insights connection string (InstrumentationKey=...;IngestionEndpoint=...)')
      .optional(),
    {
      description:
        'Sends traces (requests, calls to the other APIs, PostgreSQL queries) and metrics to this Application Insights resource. Unset: OTEL_EXPORTER_OTLP_ENDPOINT, else nothing is exported.',
      secret: true,
    },
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: setting(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(), {
    description:
      'Sends traces and metrics to this OTLP/HTTP collector instead (e.g. http://127.0.0.1:4318); the other standard OTEL_* variables apply (OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_EXPORTER_OTLP_HEADERS). Ignored when APPLICATIONINSIGHTS_CONNECTION_STRING is set.',
  }),
};

export const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

const metaOf = (field: unknown) => z.globalRegistry.get(field as z.ZodType) as SettingMeta | undefined;

/** Names of the settings whose meta marks them required when NODE_ENV=production. */
export function productionRequired(shape: z.ZodObject): string[] {
  return Object.entries(shape.shape)
    .filter(([, field]) => metaOf(field)?.requiredInProduction)
    .map(([name]) => name);
}

/** The settings whose meta names a transport that must use TLS in production. */
const tlsSettings = (shape: z.ZodObject): Record<string, Transport> =>
  Object.fromEntries(
    Object.entries(shape.shape)
      .map(([name, field]) => [name, metaOf(field)?.tls] as const)
      .filter((entry): entry is readonly [string, Transport] => entry[1] !== undefined),
  );

/**
 * Parses `env` against `schema` once. Empty strings count as unset (App Service and shells
 * often export empty values). `settings` (the object schema under `schema`) carries the production
 * rules: the settings required there, and the URLs that must use TLS there. Throws a ConfigError
 * naming every offending variable, never echoing a value, since values may be secrets.
 */
export function loadConfig<S extends z.ZodType>(app: string, schema: S, env: Env = process.env, settings?: z.ZodObject): z.output<S> {
  const cleaned: Env = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const problems: { variable: string; message: string }[] = [];
  if (cleaned['NODE_ENV'] === 'production' && settings) {
    for (const name of productionRequired(settings)) {
      if (cleaned[name] === undefined) problems.push({ variable: name, message: 'is required when NODE_ENV=production' });
    }
    if (bool(false).safeParse(cleaned['ALLOW_INSECURE_CONNECTIONS']).data !== true) problems.push(...secureConnectionProblems(cleaned, tlsSettings(settings)));
  }
  const result = schema.safeParse(cleaned, { reportInput: true });
  if (result.success && problems.length === 0) return result.data;
  for (const issue of result.error?.issues ?? []) {
    const variable = issue.path.length ? issue.path.join('.') : '(environment)';
    if (problems.some((p) => p.variable === variable)) continue;
    problems.push({
      variable,
      message: issue.code === 'invalid_type' && 'input' in issue && issue.input === undefined ? 'is required' : issue.message,
    });
  }
  throw new ConfigError(app, problems);
}
