import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { CredentialProbe } from '@voice/agent/cloud';
import { OpenAiLlm, type LanguageModel } from '@voice/agent/llm';
import { AzureSpeechStt, DeepgramStt, OpenAiStt, PocketsphinxStt, type ProviderCheck, type SpeechToText } from '@voice/agent/stt';
import { AzureSpeechTts, CartesiaTts, EspeakTts, OpenAiTts, type TextToSpeech } from '@voice/agent/tts';
import { createVad, type VoiceActivityDetector } from '@voice/agent/vad';
import { MEDIA_FRAME_SAMPLES } from '@voice/contracts/media';
import { InjectConfig, type VoiceApiConfig } from '../config';
import type { CallDomain } from './call-domain';
import { InjectCallDomain } from './call-domain.token';

/**
 * The speech stages chosen by env. The model and the synthesiser are shared by every session;
 * recognisers and voice detectors hold per-call state, so each session gets its own.
 */
@Injectable()
export class VoiceProviders implements OnApplicationShutdown {
  readonly llm: LanguageModel;
  readonly tts: TextToSpeech;

  constructor(
    @InjectConfig() private readonly config: VoiceApiConfig,
    @InjectCallDomain() readonly domain: CallDomain,
  ) {
    this.llm =
      config.LLM_PROVIDER === 'openai'
        ? new OpenAiLlm({ apiKey: config.LLM_API_KEY, baseUrl: config.LLM_BASE_URL, model: config.LLM_MODEL, azureApiVersion: config.LLM_AZURE_API_VERSION })
        : domain.offlineLlm();
    this.tts =
      config.TTS_PROVIDER === 'cartesia'
        ? new CartesiaTts({ apiKey: config.CARTESIA_API_KEY, baseUrl: config.CARTESIA_URL, model: config.CARTESIA_MODEL, voiceId: config.CARTESIA_VOICE_ID })
        : config.TTS_PROVIDER === 'openai'
          ? new OpenAiTts({ apiKey: config.OPENAI_API_KEY, baseUrl: config.OPENAI_BASE_URL, model: config.OPENAI_TTS_MODEL, voice: config.OPENAI_TTS_VOICE })
          : config.TTS_PROVIDER === 'azure'
            ? new AzureSpeechTts({ ...this.azureSpeech, voice: config.AZURE_SPEECH_VOICE, language: config.AZURE_SPEECH_LANGUAGE })
            : new EspeakTts({ voice: config.ESPEAK_VOICE, rate: config.ESPEAK_RATE });
  }

  private get azureSpeech() {
    const c = this.config;
    return { key: c.AZURE_SPEECH_KEY, region: c.AZURE_SPEECH_REGION, endpoint: c.AZURE_SPEECH_ENDPOINT };
  }

  async createStt(): Promise<SpeechToText> {
    const c = this.config;
    if (c.STT_PROVIDER === 'deepgram') return new DeepgramStt({ apiKey: c.DEEPGRAM_API_KEY, baseUrl: c.DEEPGRAM_URL, model: c.DEEPGRAM_MODEL });
    if (c.STT_PROVIDER === 'azure') return new AzureSpeechStt({ ...this.azureSpeech, language: c.AZURE_SPEECH_LANGUAGE });
    if (c.STT_PROVIDER === 'openai') return new OpenAiStt({ apiKey: c.OPENAI_API_KEY, baseUrl: c.OPENAI_BASE_URL, model: c.OPENAI_STT_MODEL });
    return new PocketsphinxStt({ modelDir: c.POCKETSPHINX_MODEL_DIR, grammar: await this.domain.recognitionGrammar() });
  }

  createVad(): Promise<VoiceActivityDetector> {
    return createVad(this.config.VAD_PROVIDER);
  }

  /** One check per configured stage, for /health and the start-up log, with the probe of its cloud credential if it has one. */
  checks(): { name: string; check: () => Promise<ProviderCheck>; credential: () => Promise<CredentialProbe | undefined> }[] {
    const none = async () => undefined;
    return [
      { name: `vad:${this.config.VAD_PROVIDER}`, check: () => this.vadCheck(), credential: none },
      { name: `stt:${this.config.STT_PROVIDER}`, check: () => this.sttCheck(), credential: async () => (await this.probeStt)?.credentialProbe?.() },
      { name: `llm:${this.config.LLM_PROVIDER}`, check: () => this.llm.check(), credential: async () => this.llm.credentialProbe?.() },
      { name: `tts:${this.config.TTS_PROVIDER}`, check: () => this.tts.check(), credential: async () => this.tts.credentialProbe?.() },
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
}
