import type { ServerEvent } from '@voice/contracts/media';

/**
 * What a transport adapter gives a call: where the agent's audio and the events go, and how to
 * hang up. Caller audio and messages come the other way, through VoiceCall's methods.
 */
export interface CallPort {
  /** One 20 ms frame of 16 kHz mono PCM16, paced in real time by the pipeline. */
  sendAudio(frame: Int16Array): void;
  sendEvent(event: ServerEvent): void;
  /** The call is over from our side: let the caller go. A promise settles once the caller is gone (the conversation ends after that). */
  hangUp(reason: string): void | Promise<void>;
}
