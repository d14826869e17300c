import type { ServerEvent } from '@voice/contracts/media';
import type { AgentConversation } from '../agents/runner';
import type { SpeechToText } from '../stt/stt';
import type { TextToSpeech } from '../tts/tts';
import type { VoiceActivityDetector } from '../vad/vad';
import { VoiceSession, type FinishedTurn } from './voice-session';

const check = async () => ({ status: 'up' as const, detail: 'test double' });
/** Engines that do nothing: these tests are about when a typed turn is stored and announced. */
const stt: SpeechToText = {
  name: 'none',
  startUtterance: () => ({ push: () => undefined, finish: async () => ({ text: '' }), abort: () => undefined }),
  check,
  close: async () => undefined,
};
const tts: TextToSpeech = {
  name: 'silent',
  sampleRate: 16_000,
  async *synthesize() {
    // no audio
  },
  check,
  close: async () => undefined,
};
const vad: VoiceActivityDetector = { name: 'none', process: () => 0, reset: () => undefined, close: async () => undefined };
const runner: AgentConversation = {
  agent: 'receptionist',
  greet: () => undefined,
  amendLastReply: () => undefined,
  async *respond() {
    yield { type: 'text', agent: 'receptionist', text: 'Sure.' };
  },
};
const log = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };

function session(onTurn: (turn: FinishedTurn) => Promise<void>) {
  const events: ServerEvent[] = [];
  const voice = new VoiceSession({
    stt,
    tts,
    vad,
    runner,
    vadThreshold: 0.5,
    endOfUtteranceMs: 400,
    sendAudio: () => undefined,
    sendEvent: (e) => events.push(e),
    onTurn,
    log,
  });
  const finalUserLines = () => events.filter((e) => e.type === 'transcript' && e.role === 'user' && e.final);
  return { voice, events, finalUserLines };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('VoiceSession: write, then announce', () => {
  it("announces the caller's final transcript only once the turn is stored", async () => {
    let stored!: () => void;
    const writes: FinishedTurn[] = [];
    const { voice, finalUserLines } = session((turn) => {
      writes.push(turn);
      return new Promise<void>((resolve) => (stored = resolve));
    });
    voice.pushText('book me in on Tuesday');
    for (let i = 0; i < 5; i++) await tick();
    expect(writes.map((t) => [t.role, t.text])).toEqual([['user', 'book me in on Tuesday']]);
    expect(finalUserLines()).toEqual([]);

    stored();
    for (let i = 0; i < 5; i++) await tick();
    expect(finalUserLines()).toEqual([expect.objectContaining({ turnId: writes[0].id, text: 'book me in on Tuesday' })]);
    await voice.stop();
  });

  it('still shows the turn when storing it failed, and says it could not be saved', async () => {
    const { voice, events, finalUserLines } = session(async () => Promise.reject(new Error('disk full')));
    voice.pushText('hello');
    for (let i = 0; i < 10; i++) await tick();
    expect(finalUserLines()).toHaveLength(1);
    expect(events).toContainEqual({ type: 'error', code: 'internal', message: 'What you just said could not be saved to the conversation history.' });
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), 'storing a turn failed');
    await voice.stop();
  });
});
