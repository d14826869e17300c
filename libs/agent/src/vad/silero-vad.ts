import { MEDIA_SAMPLE_RATE } from '@voice/contracts/media';
import { dirname, join } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { VoiceActivityDetector } from './vad';

/** Silero v5 at 16 kHz: 512 new samples per inference, preceded by the previous window's last 64. */
const WINDOW_SAMPLES = 512;
const CONTEXT_SAMPLES = 64;
/** The recurrent state tensor: [2, batch 1, 128]. */
const STATE_SHAPE = [2, 1, 128] as const;

export interface SileroVadOptions {
  /** Path to a Silero v5 ONNX model. Default: the one shipped in @livekit/agents-plugin-silero. */
  modelPath?: string;
}

type Ort = typeof import('onnxruntime-node');

interface SharedSession {
  session: Promise<InferenceSession>;
  users: number;
}

/** One ONNX session per model file, shared by every SileroVad (each keeps its own state). */
const sessions = new Map<string, SharedSession>();
let ortModule: Promise<Ort> | undefined;

/** Where @livekit/agents-plugin-silero keeps `silero_vad.onnx` (beside its entry point in dist/). */
export function defaultSileroModelPath(): string {
  let entry: string;
  try {
    entry = require.resolve('@livekit/agents-plugin-silero');
  } catch (error) {
    throw new Error('SileroVad: @livekit/agents-plugin-silero is not installed, so there is no Silero model; ' + 'install it or pass options.modelPath', {
      cause: error,
    });
  }
  return join(dirname(entry), 'silero_vad.onnx');
}

function loadOrt(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').catch((error: unknown) => {
    ortModule = undefined;
    throw new Error('SileroVad: cannot load onnxruntime-node (a dependency of @livekit/agents-plugin-silero)', {
      cause: error,
    });
  });
  return ortModule;
}

function acquireSession(ort: Ort, modelPath: string): Promise<InferenceSession> {
  let shared = sessions.get(modelPath);
  if (!shared) {
    const session = ort.InferenceSession.create(modelPath, {
      interOpNumThreads: 1,
      intraOpNumThreads: 1,
      executionMode: 'sequential',
      executionProviders: ['cpu'],
    }).catch((error: unknown) => {
      sessions.delete(modelPath);
      throw new Error(`SileroVad: cannot load the Silero model from ${modelPath}`, { cause: error });
    });
    shared = { session, users: 0 };
    sessions.set(modelPath, shared);
  }
  shared.users++;
  return shared.session;
}

async function releaseSession(modelPath: string): Promise<void> {
  const shared = sessions.get(modelPath);
  if (!shared) return;
  shared.users--;
  if (shared.users > 0) return;
  sessions.delete(modelPath);
  await (await shared.session).release();
}

/**
 * Silero VAD v5 through onnxruntime-node. Our 20 ms frames (320 samples) are gathered into the
 * model's 512-sample windows, so a new probability arrives every 32 ms; in between, `process`
 * returns the latest one. Create with `SileroVad.load()`, release with `close()`.
 */
export class SileroVad implements VoiceActivityDetector {
  readonly name = 'silero';
  private readonly input = new Float32Array(CONTEXT_SAMPLES + WINDOW_SAMPLES);
  private readonly state = new Float32Array(STATE_SHAPE[0] * STATE_SHAPE[1] * STATE_SHAPE[2]);
  private readonly sampleRate = BigInt64Array.from([BigInt(MEDIA_SAMPLE_RATE)]);
  /** Samples of the window being filled, written after the context in `input`. */
  private pending = 0;
  private probability = 0;
  private closed = false;
  /** Inference is serialised: each window depends on the state left by the previous one. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    private readonly modelPath: string,
  ) {}

  static async load(options: SileroVadOptions = {}): Promise<SileroVad> {
    const modelPath = options.modelPath ?? defaultSileroModelPath();
    const ort = await loadOrt();
    const session = await acquireSession(ort, modelPath);
    for (const name of ['input', 'state', 'sr']) {
      if (!session.inputNames.includes(name)) {
        await releaseSession(modelPath);
        throw new Error(`SileroVad: ${modelPath} is not a Silero v5 model (inputs ${session.inputNames.join(', ')}; expected input, state, sr)`);
      }
    }
    return new SileroVad(ort, session, modelPath);
  }

  process(frame: Int16Array): Promise<number> {
    const run = this.queue.then(() => this.consume(frame));
    this.queue = run.catch(() => undefined);
    return run;
  }

  reset(): void {
    this.input.fill(0);
    this.state.fill(0);
    this.pending = 0;
    this.probability = 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await releaseSession(this.modelPath);
  }

  private async consume(frame: Int16Array): Promise<number> {
    if (this.closed) throw new Error('SileroVad: process() called after close()');
    let offset = 0;
    while (offset < frame.length) {
      const take = Math.min(WINDOW_SAMPLES - this.pending, frame.length - offset);
      const base = CONTEXT_SAMPLES + this.pending;
      for (let i = 0; i < take; i++) this.input[base + i] = frame[offset + i] / 32768;
      this.pending += take;
      offset += take;
      if (this.pending === WINDOW_SAMPLES) {
        this.probability = await this.infer();
        // The last 64 samples of this window are the next window's context.
        this.input.copyWithin(0, WINDOW_SAMPLES, WINDOW_SAMPLES + CONTEXT_SAMPLES);
        this.pending = 0;
      }
    }
    return this.probability;
  }

  private async infer(): Promise<number> {
    const { Tensor: OrtTensor } = this.ort;
    const feeds: Record<string, Tensor> = {
      // onnxruntime may keep a reference to the data until the run finishes: pass copies.
      input: new OrtTensor('float32', this.input.slice(), [1, CONTEXT_SAMPLES + WINDOW_SAMPLES]),
      state: new OrtTensor('float32', this.state.slice(), [...STATE_SHAPE]),
      sr: new OrtTensor('int64', this.sampleRate),
    };
    const result = await this.session.run(feeds);
    const output = result['output'];
    const stateN = result['stateN'];
    if (!output || !stateN) {
      throw new Error(`SileroVad: unexpected model outputs (${Object.keys(result).join(', ')}); expected output, stateN`);
    }
    this.state.set(stateN.data as Float32Array);
    return (output.data as Float32Array)[0];
  }
}
