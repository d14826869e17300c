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

describe('VoiceSession: end of turn from what was said', () => {
  const speech = () => new Int16Array(320).fill(1000);
  const silence = () => new Int16Array(320);
  /** Speech frames carry energy, silent ones none: this VAD hears exactly that. */
  const energyVad: VoiceActivityDetector = { name: 'test', process: (f) => (f[0] ? 1 : 0), reset: () => undefined, close: async () => undefined };

  /** A recogniser whose words so far are whatever the test says the caller has said. */
  function caller({ decodesOnRequest = true } = {}) {
    const heard = { said: '', utterances: 0, frames: 0 };
    const recogniser: SpeechToText = {
      ...stt,
      startUtterance: ({ onInterim } = {}) => {
        heard.utterances++;
        return {
          // A cloud recogniser's words so far are its interim results.
          push: () => {
            heard.frames++;
            if (!decodesOnRequest) onInterim?.(heard.said);
          },
          hypothesis: decodesOnRequest ? async () => heard.said : undefined,
          finish: async () => ({ text: heard.said }),
          abort: () => undefined,
        };
      },
    };
    const events: ServerEvent[] = [];
    const voice = new VoiceSession({
      stt: recogniser,
      tts,
      vad: energyVad,
      runner,
      vadThreshold: 0.5,
      endOfUtteranceMs: 1000,
      pauseMs: 100,
      isCompleteTurn: (text) => text !== '' && !/\b(at|with)$/.test(text),
      sendAudio: () => undefined,
      sendEvent: (e) => events.push(e),
      onTurn: async () => undefined,
      log,
    });
    const say = async (words: string, frames = 5) => {
      heard.said = words;
      for (let i = 0; i < frames; i++) voice.pushAudio(speech());
      await settle();
    };
    const pause = async (ms: number) => {
      for (let i = 0; i < ms / 20; i++) voice.pushAudio(silence());
      await settle();
    };
    const finals = () => events.flatMap((e) => (e.type === 'transcript' && e.role === 'user' && e.final ? [e.text] : []));
    return { voice, heard, say, pause, finals };
  }
  const settle = async () => {
    for (let i = 0; i < 20; i++) await tick();
  };

  it('ends a complete request after the short pause', async () => {
    const { voice, say, pause, finals } = caller();
    await say('book with doctor smith on tuesday at ten');
    await pause(80);
    expect(finals()).toEqual([]);
    await pause(20);
    expect(finals()).toEqual(['book with doctor smith on tuesday at ten']);
    await voice.stop();
  });

  it('judges by the interim words when the recogniser cannot decode on request', async () => {
    const { voice, say, pause, finals } = caller({ decodesOnRequest: false });
    await say('book with doctor smith on tuesday at');
    await pause(300);
    expect(finals()).toEqual([]);
    await say('book with doctor smith on tuesday at ten');
    await pause(100);
    expect(finals()).toEqual(['book with doctor smith on tuesday at ten']);
    await voice.stop();
  });

  it('waits for the longest silence when the words so far dangle', async () => {
    const { voice, say, pause, finals } = caller();
    await say('book with doctor smith on tuesday at');
    await pause(980);
    expect(finals()).toEqual([]);
    await pause(20);
    expect(finals()).toEqual(['book with doctor smith on tuesday at']);
    await voice.stop();
  });

  it('hears speech that resumes after a pause as the same utterance', async () => {
    const { voice, heard, say, pause, finals } = caller();
    await say('book with doctor smith on tuesday at');
    await pause(600);
    await say('book with doctor smith on tuesday at ten');
    await pause(100);
    expect(finals()).toEqual(['book with doctor smith on tuesday at ten']);
    expect(heard.utterances).toBe(1);
    expect(heard.frames).toBeGreaterThanOrEqual(5 + 30 + 5);
    await voice.stop();
  });
});
