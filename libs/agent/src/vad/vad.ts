/** Voice activity detection over 16 kHz mono PCM16, one 20 ms frame at a time. */
export interface VoiceActivityDetector {
  readonly name: string;
  /** Probability (0..1) that this 20 ms frame (320 samples) contains speech. */
  process(frame: Int16Array): Promise<number> | number;
  reset(): void;
  close(): Promise<void>;
}
