import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { MEDIA_FRAME_SAMPLES } from '@voice/contracts/media';
import type { ClinicPort } from '@voice/agent/agents';
import { OfflineLlm, OpenAiLlm, type LanguageModel } from '@voice/agent/llm';
import { buildClinicGrammar, DeepgramStt, OpenAiStt, PocketsphinxStt, type ProviderCheck, type SpeechToText } from '@voice/agent/stt';
import { CartesiaTts, EspeakTts, OpenAiTts, type TextToSpeech } from '@voice/agent/tts';
import { createVad, type VoiceActivityDetector } from '@voice/agent/vad';
import { InjectConfig, type VoiceApiConfig } from '../config';
import { InjectClinicPort } from '../persistence/persistence.module';

/** Doctor names change rarely; the offline recogniser's grammar is rebuilt at most this often. */
const GRAMMAR_TTL_MS = 5 * 60_000;

/**
 * The speech stages chosen by env. The model and the synthesiser are shared by every session;
 * recognisers and voice detectors hold per-call state, so each session gets its own.
 */
@Injectable()
export class VoiceProviders implements OnApplicationShutdown {
  readonly llm: LanguageModel;
  readonly tts: TextToSpeech;
  private readonly logger = new Logger('VoiceProviders');
  private grammar?: { text: string; builtAt: number };

  constructor(
    @InjectConfig() private readonly config: VoiceApiConfig,
    @InjectClinicPort() private readonly clinic: ClinicPort,
  ) {
    this.llm =
      config.LLM_PROVIDER === 'openai'
        ? new OpenAiLlm({ apiKey: config.LLM_API_KEY, baseUrl: config.LLM_BASE_URL, model: config.LLM_MODEL, azureApiVersion: config.LLM_AZURE_API_VERSION })
        : new OfflineLlm({ timezone: config.CLINIC_TIMEZONE });
    this.tts =
      config.TTS_PROVIDER === 'cartesia'
        ? new CartesiaTts({ apiKey: config.CARTESIA_API_KEY, baseUrl: config.CARTESIA_URL, model: config.CARTESIA_MODEL, voiceId: config.CARTESIA_VOICE_ID })
        : config.TTS_PROVIDER === 'openai'
          ? new OpenAiTts({ apiKey: config.OPENAI_API_KEY, baseUrl: config.OPENAI_BASE_URL, model: config.OPENAI_TTS_MODEL, voice: config.OPENAI_TTS_VOICE })
          : new EspeakTts({ voice: config.ESPEAK_VOICE, rate: config.ESPEAK_RATE });
  }

  async createStt(): Promise<SpeechToText> {
    const c = this.config;
    if (c.STT_PROVIDER === 'deepgram') return new DeepgramStt({ apiKey: c.DEEPGRAM_API_KEY, baseUrl: c.DEEPGRAM_URL, model: c.DEEPGRAM_MODEL });
    if (c.STT_PROVIDER === 'openai') return new OpenAiStt({ apiKey: c.OPENAI_API_KEY, baseUrl: c.OPENAI_BASE_URL, model: c.OPENAI_STT_MODEL });
    return new PocketsphinxStt({ modelDir: c.POCKETSPHINX_MODEL_DIR, grammar: await this.clinicGrammar() });
  }

  createVad(): Promise<VoiceActivityDetector> {
    return createVad(this.config.VAD_PROVIDER);
  }

  /** One check per configured stage, for /health and the start-up log. */
  checks(): { name: string; check: () => Promise<ProviderCheck> }[] {
    return [
      { name: `vad:${this.config.VAD_PROVIDER}`, check: () => this.vadCheck() },
      { name: `stt:${this.config.STT_PROVIDER}`, check: () => this.sttCheck() },
      { name: `llm:${this.config.LLM_PROVIDER}`, check: () => this.llm.check() },
      { name: `tts:${this.config.TTS_PROVIDER}`, check: () => this.tts.check() },
    ];
  }

  /** A recogniser that is never used for a call answers the checks, so /health never spawns one per request. */
  private probeStt?: Promise<SpeechToText>;
  private async sttCheck(): Promise<ProviderCheck> {
    try {
      this.probeStt ??= this.createStt();
      return await (await this.probeStt).check();
    } catch (err) {
      this.probeStt = undefined;
      return { status: 'down', detail: (err as Error).message };
    }
  }

  /**
   * Likewise one detector answers the checks, proven once on a frame of silence when it is made:
   * Silero loads its model once, and /health runs no inference per request.
   */
  private probeVad?: Promise<VoiceActivityDetector>;
  private async vadCheck(): Promise<ProviderCheck> {
    try {
      this.probeVad ??= this.createVad().then(async (created) => {
        await created.process(new Int16Array(MEDIA_FRAME_SAMPLES));
        return created;
      });
      const vad = await this.probeVad;
      return { status: 'up', detail: `${vad.name} voice activity detector ready` };
    } catch (err) {
      this.probeVad = undefined;
      return { status: 'down', detail: (err as Error).message };
    }
  }

  async onApplicationShutdown() {
    await this.tts.close();
    await (await this.probeStt?.catch(() => undefined))?.close();
    await (await this.probeVad?.catch(() => undefined))?.close();
  }

  /** The recogniser's grammar covers the clinic's own doctors; without them it still knows every other phrase. */
  private async clinicGrammar(): Promise<string> {
    if (this.grammar && Date.now() - this.grammar.builtAt < GRAMMAR_TTL_MS) return this.grammar.text;
    let doctorNames: string[] = [];
    try {
      doctorNames = (await this.clinic.doctors()).map((d) => d.name);
    } catch (err) {
      this.logger.warn({ msg: 'doctor names unavailable for the speech grammar; using the generic one', reason: (err as Error).message });
      if (this.grammar) return this.grammar.text;
    }
    const text = buildClinicGrammar({ doctorNames });
    if (doctorNames.length) this.grammar = { text, builtAt: Date.now() };
    return text;
  }
}
