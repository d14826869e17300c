import { int16ToBytes } from '@voice/agent/audio';
import type { ServerEvent } from '@voice/contracts/media';
import type { WebSocket } from 'ws';
import type { CallPort } from '../call/call-port';
import type { VoiceCall } from '../call/voice-call';
import { readFrame } from './frames';

export interface ConnectionLog {
  warn(data: Record<string, unknown>, message: string): void;
}

/**
 * The WebSocket transport adapter: one socket, one call. Binary frames are caller audio, text frames
 * the protocol's control messages (libs/contracts/src/media.ts); agent audio and events go back the
 * same way. A bad frame costs an `error` event, never the call.
 */
export class MediaConnection implements CallPort {
  private call?: VoiceCall;
  private started = false;
  private closed = false;
  private hungUp = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly log: ConnectionLog,
  ) {
    socket.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(data, isBinary));
    socket.on('close', () => {
      this.hungUp = true;
      void this.call?.end('caller hung up');
    });
    socket.on('error', (err) => this.log.warn({ err: err.message }, 'media socket error'));
  }

  /** Connects the call: frames that arrive before this are dropped. */
  attach(call: VoiceCall): void {
    this.call = call;
    if (this.hungUp) void call.end('caller hung up');
  }

  sendEvent(event: ServerEvent): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(event));
  }

  sendAudio(frame: Int16Array): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(int16ToBytes(frame), { binary: true });
  }

  hangUp(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(1000, reason);
  }

  /** Ends the call from our side (the session ended elsewhere, or shutdown), telling the caller why. */
  async end(reason: string): Promise<void> {
    if (this.closed) return;
    this.sendEvent({ type: 'error', code: 'session_ended', message: `The session has ended (${reason}).` });
    await this.call?.end(reason);
  }

  private onMessage(data: Buffer, isBinary: boolean) {
    const call = this.call;
    if (this.closed || !call) return;
    const inbound = readFrame(data, isBinary);
    if (inbound.kind === 'invalid') return this.sendEvent(inbound.error);
    if (inbound.kind === 'audio') {
      if (this.started) call.pushAudio(inbound.frame);
      else this.sendEvent({ type: 'error', code: 'bad_frame', message: 'Send {"type":"start"} before audio. The frame was dropped.' });
      return;
    }
    const message = inbound.message;
    switch (message.type) {
      case 'start':
        if (!this.started) {
          this.started = true;
          call.start();
        }
        return;
      case 'text':
        this.started = true;
        return call.pushText(message.text);
      case 'playback':
        return call.reportPlayback(message.turnId, message.playedMs);
      case 'stop':
        void call.end('caller stopped');
    }
  }
}
