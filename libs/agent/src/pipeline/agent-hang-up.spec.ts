import type { ServerEvent } from '@voice/contracts/media';
import type { AgentConversation, RunnerEvent } from '../agents/runner';
import type { SpeechToText } from '../stt/stt';
import type { TextToSpeech } from '../tts/tts';
import type { VoiceActivityDetector } from '../vad/vad';
import { AGENT_HANG_UP_REASON, VoiceSession } from './voice-session';

const check = async () => ({ status: 'up' as const, detail: 'test double' });
const stt: SpeechToText = {
  name: 'none',
  startUtterance: () => ({ push: () => undefined, finish: async () => ({ text: '' }), abort: () => undefined }),
  check,
  close: async () => undefined,
};
/** 200 ms of audio per sentence (ten 20 ms frames at 16 kHz), in two chunks. */
const tts: TextToSpeech = {
  name: 'tone',
  sampleRate: 16_000,
  async *synthesize() {
    yield new Int16Array(1600).fill(1000);
    yield new Int16Array(1600).fill(1000);
  },
  check,
  close: async () => undefined,
};
const vad: VoiceActivityDetector = { name: 'none', process: () => 0, reset: () => undefined, close: async () => undefined };
const log = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };

/** An agent that ends the call when told goodbye, and answers anything else. */
const runner: AgentConversation = {
  agent: 'receptionist',
  greet: () => undefined,
  amendLastReply: () => undefined,
  async *respond(text: string): AsyncGenerator<RunnerEvent> {
    if (/goodbye/.test(text)) {
      yield { type: 'text', agent: 'receptionist', text: 'Thank you for calling. Goodbye!' };
      yield { type: 'end_call', agent: 'receptionist' };
    } else yield { type: 'text', agent: 'receptionist', text: 'Sure.' };
  },
};

function session() {
  const wire: string[] = [];
  const events: ServerEvent[] = [];
  const hangUps: string[] = [];
  const voice = new VoiceSession({
    stt,
    tts,
    vad,
    runner,
    vadThreshold: 0.5,
    endOfUtteranceMs: 400,
    sendAudio: () => wire.push('frame'),
    sendEvent: (e) => events.push(e),
    onTurn: () => undefined,
    onAgentHangUp: (reason) => {
      wire.push('hang-up');
      hangUps.push(reason);
    },
    log,
  });
  const finalAgentLines = () => events.filter((e) => e.type === 'transcript' && e.role === 'agent' && e.final).map((e) => (e as { text: string }).text);
  return { voice, wire, hangUps, finalAgentLines };
}

async function until(done: () => boolean, what: string) {
  for (let waited = 0; !done(); waited += 10) {
    if (waited > 5000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('VoiceSession: the agent ends the call', () => {
  it('hangs up only after the last audio frame of the goodbye was sent', async () => {
    const { voice, wire, hangUps, finalAgentLines } = session();
    voice.pushText("that's all, goodbye");
    await until(() => hangUps.length > 0, 'the hang-up');
    // Two sentences of 200 ms: twenty frames, every one of them on the wire before the hang-up.
    expect(wire).toEqual([...Array<string>(20).fill('frame'), 'hang-up']);
    expect(hangUps).toEqual([AGENT_HANG_UP_REASON]);
    expect(finalAgentLines()).toEqual(['Thank you for calling. Goodbye!']);
    await voice.stop();
  });

  it('does not hang up when the caller speaks before the goodbye has been played, and answers them', async () => {
    const { voice, wire, hangUps, finalAgentLines } = session();
    voice.pushText('goodbye');
    await until(() => wire.length > 0, 'the goodbye to start playing');
    voice.pushText('wait, one more thing');
    await until(() => finalAgentLines().includes('Sure.'), 'the answer to the barge-in');
    await new Promise((r) => setTimeout(r, 300));
    expect(hangUps).toEqual([]);
    await voice.stop();
  });

  it('does not hang up after an ordinary reply', async () => {
    const { voice, hangUps, finalAgentLines } = session();
    voice.pushText('what are your hours?');
    await until(() => finalAgentLines().length > 0, 'the reply');
    await new Promise((r) => setTimeout(r, 100));
    expect(hangUps).toEqual([]);
    await voice.stop();
  });
});
