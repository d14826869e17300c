import { MEDIA_FRAME_MS } from '@voice/contracts/media';

export interface TurnDetectorOptions {
  /** Speech probability above which a frame counts as speech. */
  threshold: number;
  /** Silence after speech that ends the caller's turn whatever was said: the longest wait. */
  endOfUtteranceMs: number;
  /**
   * Silence after which the caller may have finished: the detector reports a `pause` once, and
   * its owner ends the turn there (`endTurn()`) when what was said is a complete request. Absent
   * (or not shorter than `endOfUtteranceMs`): silence alone decides.
   */
  pauseMs?: number;
  /** Consecutive speech frames that start a turn (filters clicks and coughs). */
  startFrames?: number;
  /** Audio kept from before the start was detected, so the first syllable reaches STT. */
  preRollMs?: number;
}

export type TurnEvent =
  | { type: 'start'; preRoll: Int16Array[] }
  | { type: 'audio'; frame: Int16Array }
  /** The caller has been silent for `pauseMs`: judge whether they are done. */
  | { type: 'pause' }
  /** `lastSpeechAt`: when the last speech frame arrived (the caller stopped talking then). */
  | { type: 'end'; lastSpeechAt: number };

/**
 * Turns per-frame speech probabilities into utterances: start after a few speech frames, end
 * after a configurable silence (or sooner, at a pause, when the owner says so). Between start and
 * end every frame goes to STT, silence included, so the recogniser hears the pauses inside a
 * sentence, and speech after a pause continues the same utterance.
 */
export class TurnDetector {
  private speaking = false;
  private run = 0;
  private silentMs = 0;
  /** This silence has been reported as a pause. */
  private paused = false;
  private lastSpeechAt = 0;
  private readonly recent: Int16Array[] = [];
  private readonly startFrames: number;
  private readonly preRollFrames: number;

  constructor(private readonly options: TurnDetectorOptions) {
    this.startFrames = options.startFrames ?? 2;
    this.preRollFrames = Math.round((options.preRollMs ?? 200) / MEDIA_FRAME_MS);
  }

  get inTurn(): boolean {
    return this.speaking;
  }

  update(frame: Int16Array, probability: number, now: number): TurnEvent[] {
    const speech = probability >= this.options.threshold;
    if (!this.speaking) {
      this.recent.push(frame);
      if (this.recent.length > this.preRollFrames + this.startFrames) this.recent.shift();
      this.run = speech ? this.run + 1 : 0;
      if (this.run < this.startFrames) return [];
      this.speaking = true;
      this.silentMs = 0;
      this.lastSpeechAt = now;
      const preRoll = this.recent.splice(0);
      return [{ type: 'start', preRoll }];
    }
    if (speech) {
      this.silentMs = 0;
      this.paused = false;
      this.lastSpeechAt = now;
    } else {
      this.silentMs += MEDIA_FRAME_MS;
    }
    if (this.silentMs >= this.options.endOfUtteranceMs) return [{ type: 'audio', frame }, this.endTurn()];
    const { pauseMs } = this.options;
    if (pauseMs === undefined || this.paused || this.silentMs < pauseMs) return [{ type: 'audio', frame }];
    this.paused = true;
    return [{ type: 'audio', frame }, { type: 'pause' }];
  }

  /** Ends the turn now (a `pause` judged final): the next speech starts a new one. */
  endTurn(): { type: 'end'; lastSpeechAt: number } {
    this.reset();
    return { type: 'end', lastSpeechAt: this.lastSpeechAt };
  }

  reset(): void {
    this.speaking = false;
    this.run = 0;
    this.silentMs = 0;
    this.paused = false;
    this.recent.length = 0;
  }
}
