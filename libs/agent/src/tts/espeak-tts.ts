import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { Pcm16Decoder } from '../audio/pcm16';
import type { ProviderCheck } from '../stt/stt';
import type { TextToSpeech } from './tts';

const run = promisify(execFile);

export interface EspeakTtsOptions {
  /** Default `espeak-ng` on PATH. */
  binary?: string;
  /** An espeak-ng voice (`espeak-ng --voices`). Default `en-us`. */
  voice?: string;
  /** Words per minute. Default 150. */
  rate?: number;
}

/** What espeak-ng says it writes; a different rate in the WAV header wins. */
const ESPEAK_SAMPLE_RATE = 22050;
const MAX_STDERR_CHARS = 500;

/**
 * Offline text to speech with Debian's espeak-ng: `--stdout` writes a WAV (22,050 Hz mono PCM16)
 * while it synthesises, and the PCM is yielded as it arrives rather than when the file is complete.
 */
export class EspeakTts implements TextToSpeech {
  readonly name = 'espeak-ng';
  private rate = ESPEAK_SAMPLE_RATE;
  private readonly running = new Set<AbortController>();

  constructor(private readonly options: EspeakTtsOptions = {}) {}

  /** 22,050 Hz, or what the last WAV header said if espeak-ng ever answers otherwise. */
  get sampleRate(): number {
    return this.rate;
  }

  async check(): Promise<ProviderCheck> {
    try {
      const { stdout } = await run(this.binary, ['--version'], { timeout: 5_000 });
      return {
        status: 'up',
        detail: stdout
          .trim()
          .split('\n')[0]
          .replace(/\s+Data at:.*$/, ''),
      };
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      return {
        status: 'down',
        detail: missing
          ? `espeak-ng TTS: ${this.binary} not found; install espeak-ng (apt-get install espeak-ng)`
          : `espeak-ng TTS: ${this.binary} --version failed: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
  }

  async *synthesize(text: string, signal?: AbortSignal): AsyncGenerator<Int16Array> {
    if (!text.trim() || signal?.aborted) return;
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.running.add(controller);
    // No shell, and "--" so text that starts with "-" is spoken rather than read as an option.
    const args = ['-v', this.options.voice ?? 'en-us', '-s', String(this.options.rate ?? 150), '--stdout', '--', text];
    const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: controller.signal });
    const closed = new Promise<{ code: number | null; error?: Error }>((resolve) => {
      let error: Error | undefined;
      child.once('error', (err) => (error = err));
      child.once('close', (code) => resolve({ code, error }));
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_STDERR_CHARS) stderr += chunk;
    });

    try {
      const reader = new WavStreamReader();
      for await (const bytes of child.stdout as AsyncIterable<Buffer>) {
        const pcm = reader.push(bytes);
        if (reader.sampleRate !== undefined) this.rate = reader.sampleRate;
        if (pcm && pcm.length > 0) yield pcm;
      }
      const { code, error } = await closed;
      if (controller.signal.aborted) return;
      if (error) {
        throw new Error(
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? `espeak-ng TTS: ${this.binary} not found; install espeak-ng (apt-get install espeak-ng)`
            : `espeak-ng TTS: ${error.message}`,
        );
      }
      if (code !== 0) throw new Error(`espeak-ng TTS: exited with code ${code}: ${stderr.trim() || 'no message'}`);
      reader.end();
    } finally {
      // Reached on abort, on close(), and when the consumer stops iterating early.
      signal?.removeEventListener('abort', onAbort);
      this.running.delete(controller);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await closed;
    }
  }

  async close(): Promise<void> {
    for (const controller of this.running) controller.abort();
  }

  private get binary(): string {
    return this.options.binary ?? 'espeak-ng';
  }
}

/**
 * Reads a WAV as it streams in. espeak-ng cannot seek back on a pipe, so its header carries
 * placeholder sizes: the data chunk simply runs to the end of the stream.
 */
export class WavStreamReader {
  sampleRate?: number;
  private header = Buffer.alloc(0);
  private inData = false;
  private readonly pcm = new Pcm16Decoder();

  /** Feeds bytes; returns the whole samples they complete (none until the header is through). */
  push(bytes: Buffer): Int16Array | undefined {
    if (this.inData) return this.samples(bytes);
    this.header = Buffer.concat([this.header, bytes]);
    if (this.header.length < 12) return undefined;
    if (this.header.toString('ascii', 0, 4) !== 'RIFF' || this.header.toString('ascii', 8, 12) !== 'WAVE') {
      throw new Error('espeak-ng TTS: output is not a WAV file');
    }
    let offset = 12;
    while (offset + 8 <= this.header.length) {
      const id = this.header.toString('ascii', offset, offset + 4);
      const size = this.header.readUInt32LE(offset + 4);
      if (id === 'data') {
        if (this.sampleRate === undefined) throw new Error('espeak-ng TTS: WAV data came before its "fmt " chunk');
        this.inData = true;
        const rest = this.header.subarray(offset + 8);
        this.header = Buffer.alloc(0);
        return this.samples(rest);
      }
      if (offset + 8 + size > this.header.length) return undefined;
      if (id === 'fmt ') this.readFormat(this.header.subarray(offset + 8, offset + 8 + size));
      offset += 8 + size + (size % 2);
    }
    return undefined;
  }

  /** The stream ended: it must have reached the audio. */
  end(): void {
    if (!this.inData) throw new Error('espeak-ng TTS: the WAV ended before its audio began');
  }

  private readFormat(fmt: Buffer): void {
    const format = fmt.readUInt16LE(0);
    const channels = fmt.readUInt16LE(2);
    const bits = fmt.readUInt16LE(14);
    if (format !== 1 || channels !== 1 || bits !== 16) {
      throw new Error(`espeak-ng TTS: expected mono 16-bit PCM, got format ${format}, ${channels} channels, ${bits} bits`);
    }
    this.sampleRate = fmt.readUInt32LE(4);
  }

  private samples(bytes: Buffer): Int16Array {
    return this.pcm.push(bytes);
  }
}
