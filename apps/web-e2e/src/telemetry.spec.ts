import { SPAN_KIND, type ReceivedSpan } from '@voice/testing/otlp-receiver';
import { ChatPage } from './pages/chat.page';
import { registerThroughUi } from './support/flows';
import { exportedSpans } from './support/telemetry';
import { hops, isQuery, newTraceWith, render, requestMethod, requestPath, traceIds, within } from './support/traces';
import { expect, test } from './support/test';

// All three services export their traces to global setup's OTLP receiver (OTLP/JSON over HTTP), and
// nothing in the tests makes a trace context: each trace here starts at web, from what the browser did.

/** Waits for the trace, among those begun after `seen`, holding the server span of `service` for `method path`, until `check` passes on it. */
async function traceOf(seen: Set<string>, service: string, method: string, path: string, check: (trace: ReceivedSpan[]) => void): Promise<ReceivedSpan[]> {
  let trace: ReceivedSpan[] = [];
  await expect(async () => {
    trace = newTraceWith(
      await exportedSpans(),
      seen,
      (s) => s.service === service && s.kind === SPAN_KIND.SERVER && requestPath(s) === path && requestMethod(s) === method,
    );
    expect(trace.length, `a new trace with ${service}'s ${method} ${path}`).toBeGreaterThan(0);
    check(trace);
  }).toPass({ timeout: 30_000 });
  await test.info().attach(`trace of ${method} ${path}.json`, { body: JSON.stringify(trace, null, 2), contentType: 'application/json' });
  return trace;
}

/** The trace begins at one web server span: its request came from the browser, not from another traced app. */
function startsAtWeb(trace: ReceivedSpan[]) {
  const roots = trace.filter((s) => !trace.some((p) => p.spanId === s.parentSpanId));
  expect(
    roots.map((s) => ({ service: s.service, kind: s.kind, parentSpanId: s.parentSpanId })),
    render(trace),
  ).toEqual([{ service: 'web', kind: SPAN_KIND.SERVER, parentSpanId: undefined }]);
}

/** A PostgreSQL query lies under `service`'s server span for `path`. */
function queriesUnder(trace: ReceivedSpan[], service: string, path: string) {
  const server = trace.find((s) => s.service === service && s.kind === SPAN_KIND.SERVER && requestPath(s) === path);
  expect(server, render(trace)).toBeDefined();
  expect(
    trace.some((s) => s.service === service && isQuery(s) && within(trace, s, server as ReceivedSpan)),
    `a PostgreSQL query under ${service}'s ${path}:\n${render(trace)}`,
  ).toBe(true);
}

test('signing up is one trace: web, its call to persistence-api, and the PostgreSQL queries under it', async ({ page }) => {
  const seen = traceIds(await exportedSpans());
  await registerThroughUi(page);

  await traceOf(seen, 'persistence-api', 'POST', '/v1/auth/register', (trace) => {
    startsAtWeb(trace);
    expect(hops(trace), render(trace)).toEqual(['web → persistence-api']);
    queriesUnder(trace, 'persistence-api', '/v1/auth/register');
  });
});

test("starting a call is one trace across all three apps: web's /api/sessions, voice-api's session, persistence-api's conversation and its queries", async ({
  page,
}) => {
  await registerThroughUi(page);
  const chat = new ChatPage(page);
  const seen = traceIds(await exportedSpans());
  await chat.startCall();

  await traceOf(seen, 'web', 'POST', '/api/sessions', (trace) => {
    startsAtWeb(trace);
    expect(hops(trace), render(trace)).toEqual(['voice-api → persistence-api', 'web → voice-api']);
    queriesUnder(trace, 'persistence-api', '/v1/conversations');
  });

  await chat.endCallButton.click();
  await expect(chat.startCallButton).toBeVisible();
});
