import { z } from 'zod';

export type Env = Record<string, string | undefined>;

/** Describes one setting for humans: the .env.example files and DEPLOYMENT.md tables come from it. */
export interface SettingMeta {
  description: string;
  secret?: boolean;
  /** Shown instead of the schema default where the default depends on NODE_ENV. */
  defaultNote?: string;
  requiredInProduction?: boolean;
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

/** Names of the settings whose meta marks them required when NODE_ENV=production. */
export function productionRequired(shape: z.ZodObject): string[] {
  return Object.entries(shape.shape)
    .filter(([, field]) => (z.globalRegistry.get(field as z.ZodType) as SettingMeta | undefined)?.requiredInProduction)
    .map(([name]) => name);
}

/**
 * Parses `env` against `schema` once. Empty strings count as unset (App Service and shells
 * often export empty values). Throws a ConfigError naming every offending variable, never
 * echoing a value, since values may be secrets.
 */
export function loadConfig<S extends z.ZodType>(app: string, schema: S, env: Env = process.env, requiredInProduction: string[] = []): z.output<S> {
  const cleaned: Env = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const problems: { variable: string; message: string }[] = [];
  if (cleaned['NODE_ENV'] === 'production') {
    for (const name of requiredInProduction) {
      if (cleaned[name] === undefined) problems.push({ variable: name, message: 'is required when NODE_ENV=production' });
    }
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
