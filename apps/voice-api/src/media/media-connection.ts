import type { ServerEvent } from '@voice/contracts/media';
import type { VoiceSession } from '@voice/agent/pipeline';
import type { WebSocket } from 'ws';
import { pcmToBuffer, readFrame } from './frames';

export interface ConnectionLog {
  warn(data: Record<string, unknown>, message: string): void;
}

/**
 * One WebSocket carrying one voice session: audio and control in, audio and events out. A bad
 * frame costs an `error` event, never the call.
 */
export class MediaConnection {
  private started = false;
  private closed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly session: VoiceSession,
    private readonly log: ConnectionLog,
    private readonly onHangUp: () => void,
  ) {
    socket.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(data, isBinary));
    socket.on('close', () => void this.close());
    socket.on('error', (err) => this.log.warn({ err: err.message }, 'media socket error'));
  }

  send(event: ServerEvent): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(event));
  }

  sendAudio(frame: Int16Array): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(pcmToBuffer(frame), { binary: true });
  }

  /** Ends the call from our side (session ended elsewhere, or shutdown). */
  async end(reason: string): Promise<void> {
    if (this.closed) return;
    this.send({ type: 'error', code: 'session_ended', message: `The session has ended (${reason}).` });
    await this.close();
    this.socket.close(1000, 'session ended');
  }

  private onMessage(data: Buffer, isBinary: boolean) {
    if (this.closed) return;
    const inbound = readFrame(data, isBinary);
    if (inbound.kind === 'invalid') return this.send(inbound.error);
    if (inbound.kind === 'audio') {
      if (this.started) this.session.pushAudio(inbound.frame);
      else this.send({ type: 'error', code: 'bad_frame', message: 'Send {"type":"start"} before audio. The frame was dropped.' });
      return;
    }
    const message = inbound.message;
    switch (message.type) {
      case 'start':
        if (!this.started) {
          this.started = true;
          this.session.start();
        }
        return;
      case 'text':
        this.started = true;
        return this.session.pushText(message.text);
      case 'playback':
        return this.session.reportPlayback(message.turnId, message.playedMs);
      case 'stop':
        void this.close().then(() => this.socket.close(1000, 'stopped'));
    }
  }

  private async close() {
    if (this.closed) return;
    this.closed = true;
    await this.session.stop();
    this.onHangUp();
  }
}
