import { AGENT_HANG_UP_REASON } from '@voice/agent/pipeline';
import type { ServerEvent } from '@voice/contracts/media';
import type { WebSocket } from 'ws';
import type { CallPort } from '../call/call-port';
import type { VoiceCall } from '../call/voice-call';
import { HeardAudio } from './heard-audio';
import { PhoneAudioIn, PhoneAudioOut } from './phone-audio';
import { readTwilioMessage, type StartMessage } from './twilio-messages';

export interface StreamLog {
  info(data: Record<string, unknown>, message: string): void;
  warn(data: Record<string, unknown>, message: string): void;
}

/** What happens when a stream starts: the call it carries, or null when it is refused (it is then closed). */
export type StreamAdmission = (start: StartMessage) => Promise<VoiceCall | null>;

/** A stream that has not sent a valid `start` this long after connecting is closed. */
export const START_TIMEOUT_MS = 10_000;

/** How long an agent's goodbye may still be playing on the phone, after it was sent, before the call hangs up anyway. */
export const PLAYED_OUT_WAIT_MS = 3_000;

/**
 * The Twilio Media Streams transport adapter: one bidirectional stream, one call. It translates
 * Twilio's messages to the call (μ-law 8 kHz to the pipeline's 16 kHz frames) and the call's audio
 * and events to Twilio's `media` and `clear`; nothing else. A malformed message ends the call cleanly.
 */
export class TwilioMediaConnection implements CallPort {
  private call?: VoiceCall;
  private streamSid?: string;
  private state: 'connected' | 'starting' | 'live' | 'closed' = 'connected';
  private readonly audioIn = new PhoneAudioIn();
  private readonly audioOut = new PhoneAudioOut();
  private readonly heard = new HeardAudio();
  private readonly startTimer: NodeJS.Timeout;
  private callSidSeen?: string;

  constructor(
    private readonly socket: WebSocket,
    private readonly log: StreamLog,
    private readonly admit: StreamAdmission,
  ) {
    socket.on('message', (data: Buffer, isBinary: boolean) => void this.onMessage(data, isBinary));
    socket.on('close', () => {
      clearTimeout(this.startTimer);
      this.state = 'closed';
      void this.call?.end('caller hung up');
    });
    socket.on('error', (err) => this.log.warn({ err: err.message }, 'media stream socket error'));
    this.startTimer = setTimeout(() => this.refuse(`no valid "start" message within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
  }

  private get closed(): boolean {
    return this.state === 'closed';
  }

  sendAudio(frame: Int16Array): void {
    for (const payload of this.audioOut.payloads(frame)) {
      this.send({ event: 'media', streamSid: this.streamSid, media: { payload } });
      const mark = this.heard.sent();
      if (mark) this.send({ event: 'mark', streamSid: this.streamSid, mark: { name: mark } });
    }
  }

  /**
   * Of the call's events, Twilio hears of barge-ins only: `clear` empties its audio buffer, and the
   * marks it echoed before say how much of the turn the caller heard, which the call stores.
   */
  sendEvent(event: ServerEvent): void {
    if (event.type === 'agent_state' && event.state === 'speaking') this.heard.turnStarted();
    if (event.type !== 'clear') return;
    this.send({ event: 'clear', streamSid: this.streamSid });
    const playedMs = this.heard.cleared();
    // After this event returns: the call starts waiting for the report only then.
    setImmediate(() => this.call?.reportPlayback(event.turnId, playedMs));
  }

  /**
   * Closes the stream. When the agent ended the call, only once Twilio has played its goodbye (the
   * echo of a mark after the last audio; at most PLAYED_OUT_WAIT_MS): the pipeline's pacing knows
   * only what was sent, and the phone plays behind it. Other ends (time limit, shutdown) cut at once.
   */
  async hangUp(reason: string): Promise<void> {
    if (this.state === 'closed') return;
    if (reason === AGENT_HANG_UP_REASON) await this.playedOut();
    // The caller may have hung up while the goodbye played.
    if (this.closed) return;
    this.state = 'closed';
    // With <Connect><Stream> and nothing after it in the TwiML, Twilio ends the call when the stream closes.
    this.socket.close(1000, reason.slice(0, 100));
  }

  private async playedOut(): Promise<void> {
    const { mark, heard } = this.heard.markAllSent();
    if (!mark) return;
    this.send({ event: 'mark', streamSid: this.streamSid, mark: { name: mark } });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([heard, new Promise<void>((resolve) => (timer = setTimeout(resolve, PLAYED_OUT_WAIT_MS)))]);
    clearTimeout(timer);
  }

  /** Ends the call from our side (time limit, shutdown). */
  async end(reason: string): Promise<void> {
    if (this.call) await this.call.end(reason);
    else await this.hangUp(reason);
  }

  private send(message: Record<string, unknown>) {
    if (this.streamSid && this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Closes a stream that never became a call (policy violation: 1008). */
  private refuse(why: string) {
    if (this.state === 'closed' || this.state === 'live') return;
    this.log.warn({}, `refused a media stream: ${why}`);
    this.state = 'closed';
    this.socket.close(1008, 'stream refused');
  }

  private async onMessage(data: Buffer, isBinary: boolean) {
    if (this.state === 'closed') return;
    const inbound = readTwilioMessage(data, isBinary);
    if (inbound.kind === 'unknown') return this.log.info({ event: inbound.event }, 'ignored a media stream message of an unknown event');
    if (inbound.kind === 'malformed') {
      this.log.warn({ callSid: this.callSidSeen }, `malformed media stream message: ${inbound.problem}; ending the call`);
      if (this.call) return void this.call.end('malformed message from Twilio');
      return this.refuse('a malformed message before the call started');
    }
    const message = inbound.message;
    switch (message.event) {
      case 'connected':
        return;
      case 'start':
        return this.start(message);
      case 'media':
        if (this.state === 'live' && this.call) for (const frame of this.audioIn.frames(message.media.payload)) this.call.pushAudio(frame);
        return;
      case 'stop':
        if (this.call) return void this.call.end('caller hung up');
        return void this.hangUp('stopped before the call started');
      case 'mark':
        return this.heard.echoed(message.mark.name);
      case 'dtmf':
        if (this.state === 'live' && this.call) this.call.pushDigit(message.dtmf.digit);
        return;
    }
  }

  private async start(message: StartMessage) {
    if (this.state !== 'connected') return this.log.warn({ callSid: this.callSidSeen }, 'ignored a second "start" on a media stream');
    this.state = 'starting';
    clearTimeout(this.startTimer);
    this.streamSid = message.streamSid;
    this.callSidSeen = message.start.callSid;
    const call = await this.admit(message).catch((err: unknown) => {
      this.log.warn({ err: (err as Error).message, callSid: message.start.callSid }, 'could not start the call of a media stream');
      return null;
    });
    if (!call) {
      this.state = 'connected';
      return this.refuse('stream token missing, expired or already used, or the call could not start');
    }
    if (this.closed) {
      await call.end('caller hung up');
      return;
    }
    this.call = call;
    this.state = 'live';
    call.start();
  }
}
