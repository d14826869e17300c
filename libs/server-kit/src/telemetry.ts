import type { IncomingMessage } from 'node:http';

/** Where traces and metrics go: Application Insights, an OTLP/HTTP collector, or nowhere. */
export type TelemetryExport = 'azure-monitor' | 'otlp' | 'none';

export interface TelemetryOptions {
  /** The service name (App Insights' cloud role name). */
  name: string;
  env?: NodeJS.ProcessEnv;
}

/** Probes and scrapes: a span for each would drown the requests that matter. */
const UNTRACED_PATHS = new Set(['/health', '/metrics', '/api/health']);
const untraced = (req: IncomingMessage) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0]);

export function telemetryExport(env: NodeJS.ProcessEnv = process.env): TelemetryExport {
  if (env.OTEL_SDK_DISABLED === 'true') return 'none';
  if (env.APPLICATIONINSIGHTS_CONNECTION_STRING) return 'azure-monitor';
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return 'otlp';
  return 'none';
}

let running: { shutdown(): Promise<void> } | undefined;

/**
 * Starts OpenTelemetry for this process: spans for incoming HTTP requests, outgoing fetch calls and
 * PostgreSQL queries, W3C trace context read from and written to every HTTP call, and the metrics
 * recorded through @opentelemetry/api. Call it before anything loads http or pg (each app's
 * telemetry.ts, imported first by its main.ts). With nothing configured it loads no SDK at all:
 * the API's no-op tracer and meter cost next to nothing.
 */
export function startTelemetry({ name, env = process.env }: TelemetryOptions): TelemetryExport {
  const target = telemetryExport(env);
  if (target === 'none' || running) return target;
  // The SDKs are required here, synchronously and only when exporting: an import would load them in
  // every process, and an await would let http and pg load before they are patched.
  const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  // Only calls made inside a span (a request, a voice call) are traced; the outbox's background flushes are not.
  const newUndici = () => new UndiciInstrumentation({ requireParentforSpans: true });
  const resource = resourceFromAttributes({ 'service.name': name });
  if (target === 'azure-monitor') {
    const azure = require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry');
    azure.useAzureMonitor({
      azureMonitorExporterOptions: { connectionString: env.APPLICATIONINSIGHTS_CONNECTION_STRING },
      resource,
      instrumentationOptions: {
        http: { enabled: true, ignoreIncomingRequestHook: untraced } as object,
        postgreSql: { enabled: true, requireParentSpan: true } as object,
        redis: { enabled: false },
        redis4: { enabled: false },
        mongoDb: { enabled: false },
        mySql: { enabled: false },
      },
    });
    // The distro knows no fetch (undici) instrumentation: without it, calls to the other APIs carry no
    // traceparent. Created after the distro has registered its providers, it enables itself on them.
    newUndici();
    running = { shutdown: () => azure.shutdownAzureMonitor() };
  } else {
    const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
    const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
    const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
    const instrumentations = [
      new HttpInstrumentation({ ignoreIncomingRequestHook: untraced }),
      newUndici(),
      new PgInstrumentation({ requireParentSpan: true }),
    ];
    // Exporters, protocol (OTEL_EXPORTER_OTLP_PROTOCOL) and intervals follow the standard OTEL_* variables.
    const sdk = new NodeSDK({ resource, instrumentations, logRecordProcessors: [] });
    sdk.start();
    running = sdk;
  }
  return target;
}

/** Sends what is still buffered; the shutdown path calls it after the server has closed. */
export async function shutdownTelemetry(): Promise<void> {
  const current = running;
  running = undefined;
  await current?.shutdown().catch(() => undefined);
}
