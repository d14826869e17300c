import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type AnyValue = { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean };
type Attributes = { key: string; value: AnyValue }[];

/** A span as the receiver keeps it: ids in hex, attributes as plain values. */
export interface ReceivedSpan {
  service: string;
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, string | number | boolean | undefined>;
}

export interface ReceivedPoint {
  service: string;
  metric: string;
  attributes: Record<string, string | number | boolean | undefined>;
  count?: number;
}

const SPANS_PATH = '/spans';

/** The spans the receiver at `url` has kept so far, from any process. */
export async function receivedSpans(url: string): Promise<ReceivedSpan[]> {
  const res = await fetch(new URL(SPANS_PATH, url));
  if (!res.ok) throw new Error(`the OTLP receiver at ${url} answered ${res.status}`);
  return (await res.json()) as ReceivedSpan[];
}

/** OTLP's span kinds. */
export const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 } as const;

const plain = (value: AnyValue) =>
  value.stringValue ?? (value.intValue === undefined ? undefined : Number(value.intValue)) ?? value.doubleValue ?? value.boolValue;
const toRecord = (attributes: Attributes = []) => Object.fromEntries(attributes.map(({ key, value }) => [key, plain(value)]));
const serviceOf = (resource?: { attributes?: Attributes }) => String(toRecord(resource?.attributes)['service.name']);

/**
 * An OTLP/HTTP collector in the test process, for apps exporting with OTEL_EXPORTER_OTLP_PROTOCOL=http/json:
 * it keeps every span and metric data point it is sent. Tests in other processes (Playwright's
 * workers) read the spans with `GET /spans` (receivedSpans).
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly points: ReceivedPoint[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<OtlpReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const receiver = new OtlpReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.method === 'GET' && req.url === SPANS_PATH) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(receiver.spans));
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          if (!(req.headers['content-type'] ?? '').includes('json')) throw new Error(`expected OTLP/JSON, got ${req.headers['content-type']}`);
          if (req.url === '/v1/traces') receiver.addTraces(JSON.parse(body));
          else if (req.url === '/v1/metrics') receiver.addMetrics(JSON.parse(body));
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } catch (err) {
          res.writeHead(400).end((err as Error).message);
        }
      });
    });
    return receiver;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private addTraces(body: {
    resourceSpans?: {
      resource?: { attributes?: Attributes };
      scopeSpans?: { spans?: { name: string; kind: number; traceId: string; spanId: string; parentSpanId?: string; attributes?: Attributes }[] }[];
    }[];
  }) {
    for (const { resource, scopeSpans = [] } of body.resourceSpans ?? []) {
      for (const { spans = [] } of scopeSpans) {
        for (const span of spans) {
          this.spans.push({
            service: serviceOf(resource),
            name: span.name,
            kind: span.kind,
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId || undefined,
            attributes: toRecord(span.attributes),
          });
        }
      }
    }
  }

  private addMetrics(body: {
    resourceMetrics?: {
      resource?: { attributes?: Attributes };
      scopeMetrics?: { metrics?: { name: string; histogram?: { dataPoints?: { attributes?: Attributes; count?: number | string }[] } }[] }[];
    }[];
  }) {
    for (const { resource, scopeMetrics = [] } of body.resourceMetrics ?? []) {
      for (const { metrics = [] } of scopeMetrics) {
        for (const metric of metrics) {
          for (const point of metric.histogram?.dataPoints ?? []) {
            this.points.push({ service: serviceOf(resource), metric: metric.name, attributes: toRecord(point.attributes), count: Number(point.count) });
          }
        }
      }
    }
  }
}
