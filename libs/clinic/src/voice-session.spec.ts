import type { Appointment, Doctor } from '@voice/contracts/persistence';
import type { ServerEvent } from '@voice/contracts/media';
import { AgentRunner } from '@voice/agent/agents';
import { VoiceSession, type FinishedTurn } from '@voice/agent/pipeline';
import { PocketsphinxStt } from '@voice/agent/stt';
import { concat, silence, speak } from '@voice/agent/testing';
import { EspeakTts, type TextToSpeech } from '@voice/agent/tts';
import { EnergyVad } from '@voice/agent/vad';
import type { ClinicPort } from './agents/clinic-port';
import { CLINIC_AGENTS } from './agents/definitions';
import { OfflineLlm } from './offline/offline-llm';
import { buildClinicGrammar } from './recognition/grammar';

const smith: Doctor = { id: '00000000-0000-4000-8000-000000000001', name: 'Dr. Alice Smith', specialty: 'General practice' };

/** The clinic as a fixture: this test is about the pipeline (real VAD, STT, agent and TTS); voice-api's tests use the real clinic API. */
const clinic: ClinicPort = {
  doctors: async () => [smith],
  slots: async (doctorId, date) => ({ doctorId, date, timezone: 'UTC', slots: [{ startsAt: `${date}T09:00:00.000Z`, endsAt: '', localTime: '09:00' }] }),
  patient: async () => null,
  appointments: async () => [],
  book: async () => ({}) as Appointment,
  move: async () => ({}) as Appointment,
  cancel: async () => ({}) as Appointment,
  claims: async () => [],
};

const log = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };

function startSession() {
  const events: { at: number; event: ServerEvent }[] = [];
  const turns: FinishedTurn[] = [];
  let audioFrames = 0;
  const stt = new PocketsphinxStt({ grammar: buildClinicGrammar({ doctorNames: [smith.name] }) });
  const session = new VoiceSession({
    stt,
    tts: new EspeakTts({}),
    vad: new EnergyVad(),
    runner: new AgentRunner({
      llm: new OfflineLlm({ timezone: 'UTC' }),
      agents: CLINIC_AGENTS,
      ctx: { clinic, caller: { userId: 'u1' }, timezone: 'UTC', now: () => new Date() },
      log,
    }),
    vadThreshold: 0.5,
    endOfUtteranceMs: 400,
    greeting: 'Hello, how can I help?',
    sendAudio: () => void audioFrames++,
    sendEvent: (event) => events.push({ at: performance.now(), event }),
    onTurn: (turn) => void turns.push(turn),
    log,
    playbackReportWaitMs: 50,
  });
  const waitFor = async (match: (e: ServerEvent) => boolean, timeoutMs = 15_000) => {
    const started = Date.now();
    for (;;) {
      const found = events.find((x) => match(x.event));
      if (found) return found;
      if (Date.now() - started > timeoutMs) throw new Error(`timed out; events: ${events.map((x) => JSON.stringify(x.event)).join('\n')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  /** Feeds audio in real-time paced 20 ms frames. */
  const feed = async (pcm: Int16Array) => {
    const start = performance.now();
    for (let i = 0; i * 320 < pcm.length; i++) {
      const wait = start + i * 20 - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const frame = new Int16Array(320);
      frame.set(pcm.subarray(i * 320, (i + 1) * 320));
      session.pushAudio(frame);
    }
  };
  return { session, stt, events, turns, waitFor, feed, frames: () => audioFrames };
}

describe('VoiceSession with the offline engines (espeak-ng speech → energy VAD → pocketsphinx → offline agent → espeak-ng)', () => {
  jest.setTimeout(60_000);

  it('greets, hears a request, answers with speech and metrics, and stores both turns', async () => {
    const s = startSession();
    s.session.start();
    await s.waitFor((e) => e.type === 'transcript' && e.role === 'agent' && e.final);
    expect(s.frames()).toBeGreaterThan(20);

    await s.feed(concat(speak('I would like to book an appointment with doctor Alice Smith on Tuesday'), silence(800)));
    const user = await s.waitFor((e) => e.type === 'transcript' && e.role === 'user' && e.final);
    expect(user.event.type === 'transcript' && user.event.text).toMatch(/smith/i);
    const metrics = await s.waitFor((e) => e.type === 'turn_metrics');
    expect(metrics.event).toMatchObject({ metrics: { endOfUtteranceMs: expect.any(Number), sttMs: expect.any(Number), voiceToVoiceMs: expect.any(Number) } });
    await s.waitFor((e) => e.type === 'transcript' && e.role === 'agent' && e.final && /Smith is free/.test(e.text));
    await s.session.stop();
    await s.stt.close();
    expect(s.turns.map((t) => [t.role, t.interrupted])).toEqual([
      ['agent', false],
      ['user', false],
      ['agent', false],
    ]);
    expect(s.turns[2]).toMatchObject({ agent: 'scheduler', latency: { voiceToVoiceMs: expect.any(Number), llmFirstTokenMs: expect.any(Number) } });
  });

  it('stops speaking when the caller talks over it, and stores only what was heard', async () => {
    const s = startSession();
    s.session.start();
    await s.waitFor((e) => e.type === 'agent_state' && e.state === 'speaking');
    await new Promise((r) => setTimeout(r, 600));
    await s.feed(concat(speak('what are your opening hours'), silence(600)));
    const clear = await s.waitFor((e) => e.type === 'clear');
    const cut = await s.waitFor((e) => e.type === 'transcript' && e.role === 'agent' && e.final === true && e.interrupted === true);
    expect(cut.at).toBeGreaterThanOrEqual(clear.at);
    await s.waitFor((e) => e.type === 'transcript' && e.role === 'agent' && e.final && /open/.test(e.text));
    await s.session.stop();
    await s.stt.close();
    const greeting = s.turns[0];
    expect(greeting).toMatchObject({ role: 'agent', interrupted: true });
    expect('Hello, how can I help?'.startsWith(greeting.text)).toBe(true);
    expect(greeting.text.length).toBeLessThan('Hello, how can I help?'.length);
    expect(s.turns.map((t) => t.role)).toEqual(['agent', 'user', 'agent']);
  });
});

const MS_PER_WORD = 350;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A TTS saying every word as 350 ms of tone: all at once like espeak-ng, or streamed twice as fast as it plays like a cloud TTS. */
function fakeTts(streamed: boolean): TextToSpeech {
  return {
    name: 'fake',
    sampleRate: 16_000,
    async *synthesize(text, signal) {
      for (const _word of text.split(/\s+/)) {
        if (streamed) await sleep(MS_PER_WORD / 2);
        if (signal?.aborted) return;
        yield new Int16Array(16 * MS_PER_WORD).fill(1000);
      }
    },
    check: async () => ({ status: 'up', detail: 'fake' }),
    close: async () => undefined,
  };
}

const GREETING_WORDS = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty';

/** A session with fake audio stages: the greeting is 20 words (7 s), and typed text barges in. */
function startFakeSession(tts: TextToSpeech) {
  const events: ServerEvent[] = [];
  const turns: FinishedTurn[] = [];
  const session = new VoiceSession({
    stt: {
      name: 'none',
      startUtterance: () => {
        throw new Error('no speech in this test');
      },
      check: async () => ({ status: 'up', detail: '' }),
      close: async () => undefined,
    },
    vad: { name: 'none', process: () => 0, reset: () => undefined, close: async () => undefined },
    tts,
    runner: new AgentRunner({
      llm: new OfflineLlm({ timezone: 'UTC' }),
      agents: CLINIC_AGENTS,
      ctx: { clinic, caller: { userId: 'u1' }, timezone: 'UTC', now: () => new Date() },
      log,
    }),
    vadThreshold: 0.5,
    endOfUtteranceMs: 400,
    greeting: GREETING_WORDS,
    sendAudio: () => undefined,
    sendEvent: (event) => events.push(event),
    onTurn: (turn) => void turns.push(turn),
    log,
    playbackReportWaitMs: 2_000,
  });
  const waitFor = async <T extends ServerEvent['type']>(type: T) => {
    for (let i = 0; i < 500; i++) {
      const found = events.find((e) => e.type === type);
      if (found) return found as Extract<ServerEvent, { type: T }>;
      await sleep(20);
    }
    throw new Error(`no ${type}; got ${events.map((e) => e.type).join(', ')}`);
  };
  return { session, turns, waitFor };
}

describe('VoiceSession barge-in, with fake audio stages', () => {
  it("cuts the stored turn to what the client reports it played, not to the server's estimate", async () => {
    const s = startFakeSession(fakeTts(false));
    s.session.start();
    await s.waitFor('agent_state');
    await sleep(1_500); // the estimate would be about four words
    s.session.pushText('what are your opening hours');
    const clear = await s.waitFor('clear');
    s.session.reportPlayback(clear.turnId, 400); // a client that started playing late, or buffered more
    await s.session.stop();
    expect(s.turns[0]).toMatchObject({ id: clear.turnId, role: 'agent', interrupted: true, text: 'one' });
  });

  it('keeps the words heard of a sentence whose audio was still streaming in', async () => {
    const s = startFakeSession(fakeTts(true));
    s.session.start();
    await s.waitFor('agent_state');
    await sleep(1_200); // about half of the greeting's audio generated, a sixth played
    s.session.pushText('what are your opening hours');
    const clear = await s.waitFor('clear');
    s.session.reportPlayback(clear.turnId, 1_100);
    await s.session.stop();
    // Until its audio is complete a sentence's length is estimated from its words.
    expect(s.turns[0]).toMatchObject({ id: clear.turnId, role: 'agent', interrupted: true, text: 'one two three' });
  });
});
