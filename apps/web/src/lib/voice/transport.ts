import type { ClientMessage, ServerEvent } from '@voice/contracts/media';

/** One call's connection to the agent, whichever transport voice-api chose: it sends and captures the caller's side and plays the agent's. */
export interface CallTransport {
  send(message: ClientMessage): void;
  close(): void;
  setMuted(muted: boolean): void;
  /** Moves capture to another microphone ('' = the system default) without ending the call. */
  switchMicrophone(deviceId: string): Promise<void>;
}

export interface TransportOptions {
  /** False for a typed-only call: no microphone is opened. */
  audio: boolean;
  /** The microphone to capture ('' = the system default). */
  deviceId: string;
  /** Each event from voice-api that matches the contract. */
  onEvent(event: ServerEvent): void;
  /** The call ended from the other side; `message` says why when it was not a normal end. */
  onClosed(message?: string): void;
  /** The microphone's level (RMS, 0..1) as it is sent. */
  onLevel(level: number): void;
  /** How many agent audio samples (at MEDIA_SAMPLE_RATE) have been played so far. */
  onPlayed(samples: number): void;
}

export const OPEN_TIMEOUT_MS = 10_000;
