import { receivedSpans, type ReceivedSpan } from '@voice/testing/otlp-receiver';

/**
 * What makes a service export its traces to the suite's OTLP receiver (global setup runs it): OTLP/JSON,
 * each span sent within a fraction of a second of ending. Metrics keep the SDK's one-minute interval:
 * no test reads them here, and a call's real-time audio should not compete with exports.
 */
export function telemetryEnv(receiverUrl: string): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '200' };
}

/** Every span the services have exported so far (E2E_OTLP_URL: the receiver global setup started). */
export function exportedSpans(): Promise<ReceivedSpan[]> {
  const url = process.env.E2E_OTLP_URL;
  if (!url)
    throw new Error('E2E_OTLP_URL is unset: run the browser tests through apps/web-e2e/playwright.config.ts (its global setup starts the OTLP receiver)');
  return receivedSpans(url);
}
