import { AudioFrame, AudioSource, dispose } from '@livekit/rtc-node';
import { resample } from '@voice/agent/audio';
import { speak } from '@voice/agent/testing';
import { LIVEKIT_CONTROL_TOPIC, LIVEKIT_EVENTS_TOPIC, MEDIA_FRAME_SAMPLES, ServerEvent, type ClientMessage } from '@voice/contracts/media';
import { LiveKitBridge, type AudioOut, type DataOut, type SessionControls } from './livekit-bridge';

const CALLER = 'user-1';

interface Published {
  event: ServerEvent;
  options: { reliable: boolean; topic: string; destination_identities: string[] };
}

/** A bridge with recording fakes for the session, the audio out and the data out. */
function setUp(audioOut?: AudioOut) {
  const pushed: Int16Array[] = [];
  const texts: string[] = [];
  const playbacks: [string, number][] = [];
  const published: Published[] = [];
  const captured: AudioFrame[] = [];
  const warnings: string[] = [];
  let clears = 0;
  let stops = 0;
  const session: SessionControls = {
    pushAudio: (frame) => pushed.push(frame),
    pushText: (text) => texts.push(text),
    reportPlayback: (turnId, playedMs) => playbacks.push([turnId, playedMs]),
  };
  const out: AudioOut = audioOut ?? {
    captureFrame: async (frame) => void captured.push(frame),
    clearQueue: () => void clears++,
  };
  const dataOut: DataOut = {
    publishData: async (data, options) => void published.push({ event: ServerEvent.parse(JSON.parse(new TextDecoder().decode(data))), options }),
  };
  const bridge = new LiveKitBridge({
    callerIdentity: CALLER,
    audioOut: out,
    dataOut,
    log: { warn: (_data, message) => void warnings.push(message) },
    onStop: () => void stops++,
  });
  bridge.attach(session);
  return { bridge, pushed, texts, playbacks, published, captured, warnings, clears: () => clears, stops: () => stops };
}

/** Cuts interleaved samples into rtc-node frames of `ms` each, as a track delivers them. */
async function* framesOf(samples: Int16Array, sampleRate: number, channels: number, ms: number): AsyncGenerator<AudioFrame> {
  const perChannel = (sampleRate * ms) / 1000;
  for (let at = 0; at + perChannel * channels <= samples.length; at += perChannel * channels) {
    yield new AudioFrame(samples.slice(at, at + perChannel * channels), sampleRate, channels, perChannel);
  }
}

const interleave = (mono: Int16Array, channels: number) => {
  const out = new Int16Array(mono.length * channels);
  for (let i = 0; i < mono.length; i++) for (let c = 0; c < channels; c++) out[i * channels + c] = mono[i];
  return out;
};

const joined = (frames: Int16Array[]) => {
  const out = new Int16Array(frames.length * MEDIA_FRAME_SAMPLES);
  frames.forEach((f, i) => out.set(f, i * MEDIA_FRAME_SAMPLES));
  return out;
};

/** Error energy relative to the signal's over the first `length` samples: 0 is identical. */
function relativeError(actual: Int16Array, expected: Int16Array, length: number) {
  let error = 0;
  let signal = 0;
  for (let i = 0; i < length; i++) {
    error += (actual[i] - expected[i]) ** 2;
    signal += expected[i] ** 2;
  }
  return error / signal;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('LiveKitBridge', () => {
  const speech = speak('I would like to book an appointment with doctor Patel on Tuesday.');

  afterAll(() => dispose());

  describe('caller audio', () => {
    it.each([
      { rate: 48_000, channels: 1, ms: 10, what: 'browser-shaped 48 kHz 10 ms frames' },
      { rate: 48_000, channels: 2, ms: 10, what: 'stereo 48 kHz 10 ms frames' },
      { rate: 44_100, channels: 1, ms: 10, what: '44.1 kHz frames of 441 samples' },
      { rate: 16_000, channels: 1, ms: 10, what: '16 kHz 10 ms frames (what a 16 kHz AudioStream delivers)' },
    ])('turns $what into exact 20 ms 16 kHz mono frames of the same speech', async ({ rate, channels, ms }) => {
      const { bridge, pushed } = setUp();
      const source = interleave(rate === 16_000 ? speech : resample(speech, 16_000, rate), channels);

      await bridge.pumpAudio(framesOf(source, rate, channels, ms));

      expect(pushed.every((f) => f instanceof Int16Array && f.length === MEDIA_FRAME_SAMPLES)).toBe(true);
      const whole = Math.floor(speech.length / MEDIA_FRAME_SAMPLES);
      // The resampler holds back its look-ahead (a few ms) until more audio comes.
      expect(pushed.length).toBeGreaterThanOrEqual(whole - 2);
      expect(pushed.length).toBeLessThanOrEqual(whole);
      const received = joined(pushed);
      if (rate === 16_000) expect(received).toEqual(speech.subarray(0, received.length));
      else expect(relativeError(received, speech, received.length)).toBeLessThan(0.01);
    });

    it('drops frames that describe themselves wrongly, warns once, and goes on with the good ones', async () => {
      const { bridge, pushed, warnings } = setUp();
      async function* frames() {
        yield new AudioFrame(new Int16Array(100), 48_000, 1, 480);
        yield new AudioFrame(new Int16Array(100), 48_000, 1, 480);
        yield* framesOf(speech.slice(0, 3200), 16_000, 1, 10);
      }

      await bridge.pumpAudio(frames());

      expect(warnings).toEqual(['caller audio frames are malformed; dropping them']);
      expect(joined(pushed)).toEqual(speech.slice(0, 3200));
    });

    it('stops feeding an older track once a newer one starts', async () => {
      const { bridge, pushed } = setUp();
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      async function* older() {
        yield new AudioFrame(new Int16Array(320).fill(1), 16_000, 1, 320);
        await gate;
        yield new AudioFrame(new Int16Array(320).fill(1), 16_000, 1, 320);
      }
      const first = bridge.pumpAudio(older());
      await flush();
      await bridge.pumpAudio(framesOf(new Int16Array(640).fill(2), 16_000, 1, 20));
      release();
      await first;

      expect(pushed.map((f) => f[0])).toEqual([1, 2, 2]);
    });
  });

  describe('agent audio', () => {
    it('hands every 20 ms frame to the audio out as a 16 kHz mono rtc-node frame that owns its buffer', async () => {
      const { bridge, captured } = setUp();
      const pool = new Int16Array(speech.length + 7);
      pool.set(speech, 7);
      const frames = Array.from({ length: 10 }, (_, i) => pool.subarray(7 + i * 320, 7 + (i + 1) * 320));

      for (const frame of frames) bridge.sendAudio(frame);
      await bridge.drained();

      expect(captured).toHaveLength(10);
      captured.forEach((frame, i) => {
        expect(frame).toMatchObject({ sampleRate: 16_000, channels: 1, samplesPerChannel: 320 });
        expect(frame.data).toEqual(frames[i]);
        // rtc-node passes data.buffer whole to the native side: a view into a bigger buffer would play the wrong samples.
        expect(frame.data.byteOffset).toBe(0);
        expect(frame.data.buffer.byteLength).toBe(640);
      });
    });

    it('on `clear` empties the out queue at once and drops frames not yet captured', async () => {
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const captured: number[] = [];
      let clears = 0;
      const { bridge, published } = setUp({
        captureFrame: async (frame) => {
          if (captured.length === 0) await gate; // the native queue is full: the first capture waits
          captured.push(frame.data[0]);
        },
        clearQueue: () => void clears++,
      });

      for (let i = 1; i <= 5; i++) bridge.sendAudio(new Int16Array(320).fill(i));
      await flush();
      bridge.sendEvent({ type: 'clear', turnId: 'turn-1' });
      expect(clears).toBe(1);
      release();
      bridge.sendAudio(new Int16Array(320).fill(9));
      await bridge.drained();

      expect(captured).toEqual([1, 9]);
      expect(published.map((p) => p.event)).toEqual([{ type: 'clear', turnId: 'turn-1' }]);
    });

    it('sends nothing more once closed', async () => {
      const { bridge, captured, published, pushed } = setUp();

      await bridge.close();
      bridge.sendAudio(new Int16Array(320));
      bridge.sendEvent({ type: 'agent_state', state: 'listening', agent: 'receptionist' });
      await bridge.pumpAudio(framesOf(speech, 16_000, 1, 20));
      await bridge.drained();

      expect([captured, published, pushed]).toEqual([[], [], []]);
    });

    it('plays into a real rtc-node AudioSource at 16 kHz mono, and `clear` empties its queue', async () => {
      const source = new AudioSource(16_000, 1, 1000);
      let done = 0;
      const { bridge, warnings } = setUp({
        captureFrame: (frame) => source.captureFrame(frame).then(() => void done++),
        clearQueue: () => source.clearQueue(),
      });

      for (let i = 0; i < 10; i++) bridge.sendAudio(speech.subarray(i * 320, (i + 1) * 320));
      while (done < 10 && warnings.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

      expect(warnings).toEqual([]); // the native side refuses frames whose rate or channels differ from the source's
      expect(source.queuedDuration).toBeGreaterThan(0);
      bridge.sendEvent({ type: 'clear', turnId: 'turn-1' });
      expect(source.queuedDuration).toBe(0);
      await bridge.close();
      await source.close();
    });
  });

  describe('events and control messages', () => {
    it('sends ServerEvents to the caller as reliable JSON data packets on the events topic, in order', async () => {
      const { bridge, published } = setUp();
      const events: ServerEvent[] = [
        { type: 'agent_state', state: 'thinking', agent: 'receptionist' },
        { type: 'transcript', turnId: 't1', role: 'user', text: 'book me in', final: true },
        { type: 'turn_metrics', turnId: 't2', metrics: { sttMs: 120, voiceToVoiceMs: 900 } },
        { type: 'error', code: 'provider_error', message: 'Speech recognition failed for that utterance; please say it again.' },
      ];

      for (const event of events) bridge.sendEvent(event);
      await bridge.drained();

      expect(published.map((p) => p.event)).toEqual(events);
      for (const { options } of published) expect(options).toEqual({ reliable: true, topic: LIVEKIT_EVENTS_TOPIC, destination_identities: [CALLER] });
    });

    const packet = (message: unknown) => new TextEncoder().encode(JSON.stringify(message));

    it("passes the caller's text and playback messages to the session, and stop to the call", () => {
      const { bridge, texts, playbacks, stops } = setUp();

      bridge.receiveData(packet({ type: 'text', text: 'Is Tuesday free?' } satisfies ClientMessage), CALLER, LIVEKIT_CONTROL_TOPIC);
      bridge.receiveData(packet({ type: 'playback', turnId: 't9', playedMs: 1340 } satisfies ClientMessage), CALLER, LIVEKIT_CONTROL_TOPIC);
      bridge.receiveData(packet({ type: 'start' } satisfies ClientMessage), CALLER, LIVEKIT_CONTROL_TOPIC);
      bridge.receiveData(packet({ type: 'stop' } satisfies ClientMessage), CALLER, LIVEKIT_CONTROL_TOPIC);

      expect(texts).toEqual(['Is Tuesday free?']);
      expect(playbacks).toEqual([['t9', 1340]]);
      expect(stops()).toBe(1);
    });

    it('answers a malformed control message with an error event, never a crash', async () => {
      const { bridge, texts, published } = setUp();

      bridge.receiveData(new TextEncoder().encode('{not json'), CALLER, LIVEKIT_CONTROL_TOPIC);
      bridge.receiveData(packet({ type: 'text', text: '   ' }), CALLER, LIVEKIT_CONTROL_TOPIC);
      bridge.receiveData(packet({ type: 'dance' }), CALLER, LIVEKIT_CONTROL_TOPIC);
      bridge.receiveData(new Uint8Array([0xff, 0xfe, 0x00]), CALLER, LIVEKIT_CONTROL_TOPIC);
      await bridge.drained();

      expect(texts).toEqual([]);
      expect(published).toHaveLength(4);
      for (const { event } of published) expect(event).toMatchObject({ type: 'error', code: 'bad_message' });
    });

    it('ignores data on other topics and control messages from anyone but the caller', async () => {
      const { bridge, texts, published, warnings } = setUp();

      bridge.receiveData(packet({ type: 'text', text: 'hello' }), CALLER, 'chat');
      bridge.receiveData(packet({ type: 'text', text: 'hello' }), 'someone-else', LIVEKIT_CONTROL_TOPIC);
      bridge.receiveData(packet({ type: 'text', text: 'hello' }), undefined, LIVEKIT_CONTROL_TOPIC);
      await bridge.drained();

      expect(texts).toEqual([]);
      expect(published).toEqual([]);
      expect(warnings).toHaveLength(2);
    });
  });
});
