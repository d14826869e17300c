import type { CredentialProbe } from '../cloud/credential-probe';
import type { ProviderCheck } from '../stt/stt';

export interface TextToSpeech {
  readonly name: string;
  /** Sample rate of the PCM this provider yields (mono, signed 16-bit). */
  readonly sampleRate: number;
  /** Streams the speech for `text` as PCM16 chunks of any length, starting as soon as the first is ready. */
  synthesize(text: string, signal?: AbortSignal): AsyncIterable<Int16Array>;
  check(): Promise<ProviderCheck>;
  /** The cheap authenticated call that tells whether the provider accepts the configured credential; absent when there is none to check. */
  credentialProbe?(): CredentialProbe | undefined;
  close(): Promise<void>;
}
