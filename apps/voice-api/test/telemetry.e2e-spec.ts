import { CreateSessionResponse } from '@voice/contracts/voice';
import { createDatabase, dropDatabase, testPostgresUrl } from '@voice/testing';
import { OtlpReceiver, SPAN_KIND, type ReceivedSpan } from '@voice/testing/otlp-receiver';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPersistenceApi, type PersistenceProcess } from './persistence-process';
import { QUESTION, typedCall } from './typed-call';
import { eventually, registerUser } from './users';
import { startVoiceApiProcess, type VoiceApiProcess } from './voice-api-process';

jest.setTimeout(180_000);

/** Both apps export OTLP/JSON to the test's receiver, promptly, and log at info so requests are logged. */
const telemetryEnv = (receiver: OtlpReceiver) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  OTEL_BSP_SCHEDULE_DELAY: '100',
  OTEL_METRIC_EXPORT_INTERVAL: '500',
  LOG_LEVEL: 'info',
});

/** The JSON log lines a process wrote. */
const logLines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; trace_id?: string });

describe('one trace from a caller through voice-api and persistence-api to PostgreSQL (OTLP to an in-process receiver)', () => {
  let receiver: OtlpReceiver;
  let databaseUrl: string;
  let persistence: PersistenceProcess;
  let voice: VoiceApiProcess;
  let dataDir: string;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    databaseUrl = await createDatabase(testPostgresUrl(), 'voice_telemetry');
    persistence = await startPersistenceApi({ env: { DATABASE_URL: databaseUrl, ...telemetryEnv(receiver) } });
    dataDir = mkdtempSync(join(tmpdir(), 'voice-telemetry-'));
    voice = await startVoiceApiProcess(dataDir, { PERSISTENCE_API_URL: persistence.url, ...telemetryEnv(receiver) });
  });
  afterAll(async () => {
    await voice?.proc.stop();
    await persistence?.stop();
    await receiver?.close();
    if (databaseUrl) await dropDatabase(testPostgresUrl(), databaseUrl);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('links the session request to persistence-api and its queries, traces each turn with its latencies, and logs the trace id', async () => {
    const user = await registerUser(persistence.url);
    // What web sends: the trace context of the page request it is serving.
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const res = await fetch(`${voice.url}/v1/sessions`, {
      method: 'POST',
      headers: { ...user.auth, 'content-type': 'application/json', traceparent: `00-${traceId}-${callerSpanId}-01` },
      body: '{}',
    });
    expect(res.status).toBe(201);
    const session = CreateSessionResponse.parse(await res.json());
    if (session.connection.type !== 'websocket') throw new Error('expected the websocket transport');

    await typedCall(session.connection.url);

    // voice-api's request span continues the caller's trace; its call to persistence-api carries it on.
    const inTrace = (predicate: (s: ReceivedSpan) => boolean) => receiver.spans.filter((s) => s.traceId === traceId && predicate(s));
    const sessionRequest = await eventually(() => {
      const [span] = inTrace((s) => s.service === 'voice-api' && s.kind === SPAN_KIND.SERVER);
      expect(span).toBeDefined();
      return span;
    });
    expect(sessionRequest.parentSpanId).toBe(callerSpanId);
    expect(sessionRequest.attributes['http.method'] ?? sessionRequest.attributes['http.request.method']).toBe('POST');

    const { persistenceRequest, query } = await eventually(() => {
      const persistenceRequest = inTrace((s) => s.service === 'persistence-api' && s.kind === SPAN_KIND.SERVER)[0];
      expect(persistenceRequest).toBeDefined();
      const query = inTrace((s) => s.service === 'persistence-api' && (s.attributes['db.system'] ?? s.attributes['db.system.name']) === 'postgresql')[0];
      expect(query).toBeDefined();
      return { persistenceRequest, query };
    });
    const outgoing = receiver.spans.find((s) => s.spanId === persistenceRequest.parentSpanId);
    expect(outgoing).toMatchObject({ service: 'voice-api', kind: SPAN_KIND.CLIENT, traceId });
    expect(query.kind).toBe(SPAN_KIND.CLIENT);

    // Each turn is a child of the call's span, its latency stages attributes and its words nowhere.
    const turns = await eventually(() => {
      const turns = receiver.spans.filter((s) => s.service === 'voice-api' && s.name === 'voice.turn');
      expect(turns.length).toBeGreaterThanOrEqual(3);
      return turns;
    });
    // The call's span is sent when the call is released, after its last turn.
    const call = await eventually(() => {
      const call = receiver.spans.find((s) => s.spanId === turns[0].parentSpanId);
      expect(call).toBeDefined();
      return call;
    });
    expect(call).toMatchObject({ name: 'voice.call', attributes: { 'voice.transport': 'websocket', 'voice.session_id': session.id } });
    expect(turns.every((t) => t.parentSpanId === call?.spanId)).toBe(true);
    const answer = turns.find((t) => t.attributes['voice.turn.role'] === 'agent' && t.attributes['voice.latency.voice_to_voice_ms'] !== undefined);
    expect(answer?.attributes).toMatchObject({ 'voice.transport': 'websocket', 'voice.agent': 'receptionist', 'voice.turn.interrupted': false });
    expect(typeof answer?.attributes['voice.latency.llm_first_token_ms']).toBe('number');
    expect(JSON.stringify(turns)).not.toContain(QUESTION);

    // The figure the App Insights alert reads, by name.
    await eventually(() => {
      const points = receiver.points.filter((p) => p.service === 'voice-api' && p.metric === 'voice_turn_latency_ms');
      expect(points.find((p) => p.attributes.transport === 'websocket' && p.attributes.agent === 'receptionist')?.count).toBeGreaterThanOrEqual(1);
    });

    // Log lines written while serving the request carry its trace id, in both apps.
    expect(logLines(voice.proc.output()).find((l) => l.msg === 'voice session started')?.trace_id).toBe(traceId);
    expect(logLines(persistence.output()).some((l) => l.trace_id === traceId)).toBe(true);
  });
});
