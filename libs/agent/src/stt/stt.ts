import type { CredentialProbe } from '../cloud/credential-probe';

/** Speech to text. Audio in is always 16 kHz mono PCM16; providers resample if they need to. */
export interface SpeechToText {
  readonly name: string;
  /**
   * Begins recognising one utterance (our VAD decides where utterances start and end). Audio is
   * pushed while the caller speaks; `finish()` resolves with the final words once it has ended.
   */
  startUtterance(options?: UtteranceOptions): SttUtterance;
  /** Checks the engine can run (binary present, credentials set); never throws. */
  check(): Promise<ProviderCheck>;
  /** The cheap authenticated call that tells whether the provider accepts the configured credential; absent when there is none to check. */
  credentialProbe?(): CredentialProbe | undefined;
  close(): Promise<void>;
}

export interface UtteranceOptions {
  /** Called with the words recognised so far, as they firm up. */
  onInterim?: (text: string) => void;
  signal?: AbortSignal;
}

export interface SttUtterance {
  push(pcm: Int16Array): void;
  /**
   * The words recognised so far, without ending the utterance: what decides, during a pause,
   * whether the caller has finished. Absent: the session judges by the latest interim words.
   */
  hypothesis?(): Promise<string>;
  /** No more audio: resolves with the final transcript (empty when nothing was recognised). */
  finish(): Promise<SttResult>;
  /** Drops the utterance (the caller's audio was noise, or the session ended). */
  abort(): void;
}

export interface SttResult {
  text: string;
  /** 0..1 where the engine reports it. */
  confidence?: number;
}

/** What a provider reports about itself at start-up and on /health. */
export interface ProviderCheck {
  status: 'up' | 'down';
  /** One line for people: "pocketsphinx_continuous found", "DEEPGRAM_API_KEY set". */
  detail: string;
}
