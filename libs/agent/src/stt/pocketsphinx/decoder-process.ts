import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { parseDecoderEvent, type DecoderEvent } from './protocol';

export interface DecoderLaunch {
  binaryPath: string;
  /** Pocketsphinx arguments: -hmm, -dict, -jsgf and any tuning. */
  decoderArgs: string[];
  /** Audio between interim hypotheses. */
  interimMs: number;
  /** Audio each utterance holds back to take its cepstral mean from (pocketsphinx-warm.c explains); 0 turns it off. */
  cmnLookaheadMs: number;
  /** Pocketsphinx's own log; discarded when absent. */
  logFile?: string;
  /** Model, dictionary and grammar loading; it takes well under a second here. */
  startTimeoutMs: number;
}

export type RecognitionEvent = Extract<DecoderEvent, { type: 'interim' | 'hypothesis' | 'final' }>;

const KEPT_ERRORS = 5;

/** One running warm decoder (libs/agent/native/pocketsphinx-warm.c) and its line-framed events. */
export class DecoderProcess {
  /** Called for each interim, requested and final hypothesis. */
  onRecognition?: (event: RecognitionEvent) => void;
  /** Called once when the process ends, however it ends. */
  onExit?: (reason: string) => void;
  private exitReason?: string;
  private killed = false;
  private readonly closed: Promise<void>;
  private readonly errors: string[] = [];

  private constructor(private readonly child: ChildProcessByStdio<Writable, Readable, null>) {
    this.closed = new Promise((resolve) => child.once('close', () => resolve()));
  }

  /** Spawns the decoder and resolves once it has loaded everything and said "ready". */
  static start(launch: DecoderLaunch): Promise<DecoderProcess> {
    const args = ['--interim-ms', String(launch.interimMs), '--cmn-lookahead-ms', String(launch.cmnLookaheadMs)];
    if (launch.logFile) args.push('--log', launch.logFile);
    // stderr is never a pipe: pocketsphinx's chatter would fill it and stall the decoder.
    const child = spawn(launch.binaryPath, [...args, ...launch.decoderArgs], { stdio: ['pipe', 'pipe', 'ignore'] });
    const decoder = new DecoderProcess(child);
    return new Promise<DecoderProcess>((resolve, reject) => {
      let ready = false;
      const fail = (why: string): void => {
        if (ready) return;
        ready = true;
        clearTimeout(timer);
        decoder.kill();
        const details = decoder.errors.length ? ` (${decoder.errors.join('; ')})` : '';
        reject(new Error(`Pocketsphinx STT: the decoder did not start: ${why}${details}`));
      };
      const timer = setTimeout(() => fail(`no "ready" within ${launch.startTimeoutMs} ms`), launch.startTimeoutMs);
      decoder.listen((event) => {
        if (event.type === 'ready' && !ready) {
          ready = true;
          clearTimeout(timer);
          resolve(decoder);
        } else if (event.type === 'fatal') fail(event.message);
      });
      child.once('error', (err) => fail(err.message));
      child.once('close', () => fail(decoder.exitReason ?? 'it exited'));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Running and not being killed. */
  get alive(): boolean {
    return this.exitReason === undefined && !this.killed;
  }

  /** The last few errors pocketsphinx logged, for people reading an error message. */
  get recentErrors(): readonly string[] {
    return this.errors;
  }

  send(frame: Buffer): void {
    if (this.alive && this.child.stdin.writable) this.child.stdin.write(frame);
  }

  kill(): void {
    if (!this.alive) return;
    this.killed = true;
    this.child.kill('SIGKILL');
  }

  /** Kills the process and waits until it is gone. */
  async stop(): Promise<void> {
    this.kill();
    await this.closed;
  }

  private listen(onStartEvent: (event: DecoderEvent) => void): void {
    // A decoder that died leaves writes failing with EPIPE; the exit handler reports it.
    this.child.stdin.on('error', () => undefined);
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const event = parseDecoderEvent(line);
      if (!event) return;
      if (event.type === 'log' || event.type === 'fatal') this.remember(event.message);
      if (event.type === 'interim' || event.type === 'hypothesis' || event.type === 'final') this.onRecognition?.(event);
      onStartEvent(event);
    });
    this.child.once('close', (code, signal) => {
      this.exitReason = signal ? `it was killed by ${signal}` : `it exited with code ${code}`;
      this.onExit?.(this.exitReason);
    });
    this.child.once('error', (err) => {
      this.exitReason ??= err.message;
    });
  }

  private remember(message: string): void {
    // "Final result does not match the grammar" is pocketsphinx's way of saying "heard nothing".
    if (/does not match the grammar/.test(message)) return;
    this.errors.push(message.replace(/^(ERROR|FATAL_ERROR|FATAL): /, ''));
    if (this.errors.length > KEPT_ERRORS) this.errors.shift();
  }
}
