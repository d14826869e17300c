import { encodeWav } from '../audio/wav';
import type { CredentialProbe } from '../cloud/credential-probe';
import { isAbortError, ProviderError } from '../cloud/errors';
import { cloudFetch, joinUrl } from '../cloud/http';
import { openAiCredentialProbe } from '../cloud/openai-credential';
import { InFlight } from '../cloud/pcm-request';
import type { ProviderCheck, SpeechToText, SttResult, SttUtterance, UtteranceOptions } from './stt';

export interface OpenAiSttOptions {
  apiKey?: string;
  /** Default `https://api.openai.com/v1`; any server with the same transcription endpoint works. */
  baseUrl?: string;
  /** Default `whisper-1`; `gpt-4o-mini-transcribe` and `gpt-4o-transcribe` accept the same request. */
  model?: string;
  /** ISO-639-1 hint ("en"); left to the model when absent. */
  language?: string;
  /** Limit for the whole transcription request. Default 15 s. */
  timeoutMs?: number;
}

const SAMPLE_RATE = 16000;
/** OpenAI rejects audio shorter than 0.1 s ("Audio file is too short"): nothing to hear there anyway. */
const MIN_SAMPLES = SAMPLE_RATE / 10;

/** OpenAI transcription (`POST /audio/transcriptions`): buffers the utterance, uploads it as WAV when it ends. */
export class OpenAiStt implements SpeechToText {
  readonly name = 'openai';
  private readonly inFlight = new InFlight();

  constructor(private readonly options: OpenAiSttOptions) {}

  startUtterance(options: UtteranceOptions = {}): SttUtterance {
    const chunks: Int16Array[] = [];
    let aborted = options.signal?.aborted ?? false;
    const tracked = this.inFlight.track(options.signal);
    return {
      push: (pcm) => {
        if (!aborted) chunks.push(pcm.slice());
      },
      finish: async () => {
        try {
          if (aborted) return { text: '' };
          return await this.transcribe(chunks, tracked.signal);
        } finally {
          tracked.release();
        }
      },
      abort: () => {
        aborted = true;
        chunks.length = 0;
        tracked.release();
      },
    };
  }

  async check(): Promise<ProviderCheck> {
    return this.options.apiKey
      ? { status: 'up', detail: `OpenAI STT: API key set (model ${this.model})` }
      : { status: 'down', detail: 'OpenAI STT: API key missing' };
  }

  credentialProbe(): CredentialProbe | undefined {
    return openAiCredentialProbe({ apiKey: this.options.apiKey, baseUrl: this.options.baseUrl ?? 'https://api.openai.com/v1' });
  }

  async close(): Promise<void> {
    this.inFlight.abortAll();
  }

  private get model(): string {
    return this.options.model ?? 'whisper-1';
  }

  private async transcribe(chunks: Int16Array[], signal: AbortSignal): Promise<SttResult> {
    const samples = concat(chunks);
    if (samples.length < MIN_SAMPLES || signal.aborted) return { text: '' };
    const form = new FormData();
    form.append('file', new Blob([encodeWav(samples, SAMPLE_RATE)], { type: 'audio/wav' }), 'utterance.wav');
    form.append('model', this.model);
    form.append('response_format', 'json');
    if (this.options.language) form.append('language', this.options.language);

    const { apiKey } = this.options;
    try {
      // fetch sets the multipart Content-Type with its boundary itself.
      const response = await cloudFetch({
        provider: 'OpenAI STT',
        url: joinUrl(this.options.baseUrl ?? 'https://api.openai.com/v1', 'audio/transcriptions'),
        headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : {},
        body: form,
        timeoutMs: this.options.timeoutMs ?? 15_000,
        signal,
        secrets: [apiKey],
      });
      const body = await response.text();
      let parsed: { text?: unknown };
      try {
        parsed = JSON.parse(body) as { text?: unknown };
      } catch {
        throw new ProviderError('OpenAI STT', `answer is not JSON: ${body.slice(0, 80)}`);
      }
      if (typeof parsed.text !== 'string') throw new ProviderError('OpenAI STT', 'answer has no "text" field');
      return { text: parsed.text.trim() };
    } catch (err) {
      if (isAbortError(err) && signal.aborted) return { text: '' };
      throw err;
    }
  }
}

function concat(chunks: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
