import { LIVEKIT_CONTROL_TOPIC, ServerEvent, type ClientMessage } from '@voice/contracts/media';
import type { CreateSessionResponse } from '@voice/contracts/voice';
import { conversationOf, eventually, registerUser, type TestUser } from '../../test/users';
import { QUESTION, typedCall } from '../../test/typed-call';
import { startVoiceApi, type VoiceApi } from '../../test/voice-api';
import { LiveKitBridge } from '../livekit-agent/livekit-bridge';
import { LiveKitJob } from '../livekit-agent/livekit-job';
import { CallMetricsRelay, RelayedCallMetrics } from '../metrics/call-metrics-relay';
import { MetricsService } from '../metrics/metrics.service';

jest.setTimeout(120_000);

const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function newSession(api: VoiceApi, user: TestUser) {
  const res = await api.http.post('/v1/sessions').set(user.auth).send({});
  expect(res.status).toBe(201);
  return res.body as CreateSessionResponse;
}

/** One call over the WebSocket transport: greeting, one typed question, hang-up. */
async function webSocketCall(api: VoiceApi, user: TestUser): Promise<string> {
  const session = await newSession(api, user);
  if (session.connection.type !== 'websocket') throw new Error('expected the websocket transport');
  await typedCall(session.connection.url);
  return session.conversationId;
}

/**
 * The same call through the LiveKit adapter's port, as a job process runs it (LiveKitJob, its own
 * outbox, its metrics relayed to voice-api's), with the room's audio and data channels as recorders.
 */
async function liveKitCall(api: VoiceApi, user: TestUser, relay: CallMetricsRelay): Promise<string> {
  const { id: sessionId, conversationId } = await newSession(api, user);
  const events: ServerEvent[] = [];
  const job = await LiveKitJob.open(api.config, silentLog, new RelayedCallMetrics(relay.path));
  let stopped!: () => void;
  const hungUp = new Promise<void>((resolve) => (stopped = resolve));
  const bridge = new LiveKitBridge({
    callerIdentity: user.userId,
    audioOut: { captureFrame: async () => undefined, clearQueue: () => undefined },
    dataOut: { publishData: async (data) => void events.push(ServerEvent.parse(JSON.parse(new TextDecoder().decode(data)))) },
    log: silentLog,
    onStop: () => stopped(),
  });
  const say = (message: ClientMessage) => bridge.receiveData(new TextEncoder().encode(JSON.stringify(message)), user.userId, LIVEKIT_CONTROL_TOPIC);
  const agentLines = () => events.filter((e) => e.type === 'transcript' && e.role === 'agent' && e.final).length;
  try {
    const call = await job.openCall({ sessionId, conversationId, caller: { userId: user.userId } }, bridge);
    bridge.attach(call);
    call.announce();
    call.start();
    await eventually(() => expect(agentLines()).toBe(1), 30_000);
    say({ type: 'text', text: QUESTION });
    await eventually(() => expect(agentLines()).toBe(2), 30_000);
    say({ type: 'stop' });
    await hungUp;
    await call.end('caller hung up');
    await bridge.close();
  } finally {
    await job.close();
  }
  expect(events[0]).toEqual({ type: 'ready', sessionId, conversationId, agent: 'receptionist' });
  return conversationId;
}

/** The calls' counters on /metrics, by transport: `name{labels without transport}` → value. */
async function countsByTransport(api: VoiceApi): Promise<Record<string, Record<string, number>>> {
  const text = (await api.http.get('/metrics').expect(200)).text;
  const counts: Record<string, Record<string, number>> = {};
  for (const [, name, labels, value] of text.matchAll(/^(voice_\w+?(?:_total|_count)?)\{([^}]*transport="\w+"[^}]*)\} (\S+)$/gm)) {
    if (name.endsWith('_bucket') || name.endsWith('_sum')) continue;
    const transport = /transport="(\w+)"/.exec(labels)?.[1] ?? '';
    const rest = labels.replace(/,?transport="\w+"/, '');
    (counts[transport] ??= {})[`${name}{${rest}}`] = Number(value);
  }
  return counts;
}

const storedTurns = async (user: TestUser, conversationId: string) => {
  const { body } = await conversationOf(user, conversationId);
  expect(body.status).toBe('ended');
  return body.messages.map(({ role, agent, text, interrupted }) => ({ role, agent, text, interrupted }));
};

describe('one call builder for every transport (real persistence-api, offline engines)', () => {
  let api: VoiceApi;
  let relay: CallMetricsRelay;
  beforeAll(async () => {
    api = await startVoiceApi();
    relay = await CallMetricsRelay.listen(api.app.get(MetricsService));
  });
  afterAll(async () => {
    await relay?.close();
    await api?.close();
  });

  it('stores the same turns and counts the same figures for a WebSocket call and a LiveKit call', async () => {
    const user = await registerUser();
    const overWebSocket = await webSocketCall(api, user);
    const overLiveKit = await liveKitCall(api, user, relay);

    const [web, livekit] = await eventually(async () => Promise.all([storedTurns(user, overWebSocket), storedTurns(user, overLiveKit)]), 20_000);
    expect(web).toHaveLength(3);
    expect(web[1]).toEqual({ role: 'user', agent: null, text: QUESTION, interrupted: false });
    expect(livekit).toEqual(web);

    const counts = await eventually(async () => {
      const byTransport = await countsByTransport(api);
      expect(byTransport.livekit?.['voice_turns_total{role="agent",interrupted="false"}']).toBe(2);
      return byTransport;
    });
    expect(counts.websocket).toEqual(counts.livekit);
    expect(counts.livekit).toMatchObject({
      'voice_sessions_started_total{}': 1,
      'voice_calls_active{}': 0,
      'voice_turns_total{role="user",interrupted="false"}': 1,
      'voice_turn_latency_ms_count{stage="voice_to_voice"}': 1,
    });
  });
});
