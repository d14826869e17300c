import { trace } from '@opentelemetry/api';
import { shutdownTelemetry, startTelemetry } from '@voice/server-kit/telemetry';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callApi } from './api';

describe('callApi with telemetry on', () => {
  let server: Server;
  const received: IncomingHttpHeaders[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.PERSISTENCE_API_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Nothing listens on port 9: spans are created and propagated; their export fails quietly.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:9';
    expect(startTelemetry({ name: 'web' })).toBe('otlp');
  });
  afterAll(async () => {
    await shutdownTelemetry();
    server.closeAllConnections();
    server.close();
  });

  it("sends the page's trace context to the API (W3C traceparent), and none outside a trace", async () => {
    await callApi('persistence-api', '/v1/untraced');
    const traceId = await trace.getTracer('test').startActiveSpan('page', async (span) => {
      await callApi('persistence-api', '/v1/traced');
      span.end();
      return span.spanContext().traceId;
    });
    expect(received[0].traceparent).toBeUndefined();
    expect(received[1].traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });
});
