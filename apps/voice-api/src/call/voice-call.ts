import type { AgentConversation, RunnerLog } from '@voice/agent/agents';
import { VoiceSession, type FinishedTurn } from '@voice/agent/pipeline';
import type { SpeechToText } from '@voice/agent/stt';
import type { VoiceActivityDetector } from '@voice/agent/vad';
import type { AgentName } from '@voice/contracts/persistence';
import type { VoiceApiConfig } from '../config';
import type { TranscriptOutbox } from '../outbox/transcript-outbox';
import type { Caller, CallDomain } from './call-domain';
import type { CallMetrics, CallTransport } from '../metrics/call-metrics';
import type { CallPort } from './call-port';
import { CallTrace } from './call-trace';
import type { VoiceProviders } from './voice-providers';

export interface CallLog extends RunnerLog {
  info(data: Record<string, unknown>, message: string): void;
}

/** What every call shares: built once per process (Nest's CallModule, or a LiveKit job). */
export interface CallDependencies {
  config: Pick<VoiceApiConfig, 'VAD_THRESHOLD' | 'END_OF_UTTERANCE_SILENCE_MS' | 'END_OF_TURN_MIN_SILENCE_MS'>;
  providers: VoiceProviders;
  domain: CallDomain;
  outbox: Pick<TranscriptOutbox, 'enqueueTurn'>;
  metrics: CallMetrics;
}

export interface CallSetup {
  transport: CallTransport;
  sessionId: string;
  conversationId: string;
  caller: Caller;
  /** The agent the conversation starts with; the domain's first when absent. */
  agent?: AgentName;
  log: CallLog;
  /** Ends the conversation once the call is over (the session's owner queues it in the outbox). */
  endConversation(reason: string): Promise<void>;
}

/**
 * One call, whatever carried it: speech recognition and voice detection of its own, the domain's
 * agents, the pipeline (VoiceSession), every finished turn to the outbox and the metrics, and the
 * conversation's end. A transport adapter translates its wire format to a CallPort and this class's
 * methods, and nothing more.
 */
export class VoiceCall {
  private ended?: string;
  private released?: Promise<void>;

  private constructor(
    private readonly deps: CallDependencies,
    private readonly setup: CallSetup,
    private readonly port: CallPort,
    private readonly session: VoiceSession,
    private readonly agents: AgentConversation,
    private readonly engines: { stt: SpeechToText; vad: VoiceActivityDetector },
    private readonly trace: CallTrace,
  ) {}

  /** Builds the call's pipeline; throws (and leaves nothing running) when an engine cannot start. */
  static async open(deps: CallDependencies, setup: CallSetup, port: CallPort): Promise<VoiceCall> {
    const { providers, domain, config } = deps;
    const [stt, vad] = await Promise.allSettled([providers.createStt(), providers.createVad()]);
    if (stt.status === 'rejected' || vad.status === 'rejected') {
      await Promise.allSettled([stt, vad].map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
      throw stt.status === 'rejected' ? stt.reason : (vad as PromiseRejectedResult).reason;
    }
    let call: VoiceCall | undefined;
    try {
      const agents = domain.agents({ llm: providers.llm, caller: setup.caller, agent: setup.agent, log: setup.log });
      const session = new VoiceSession({
        stt: stt.value,
        vad: vad.value,
        tts: providers.tts,
        runner: agents,
        vadThreshold: config.VAD_THRESHOLD,
        endOfUtteranceMs: config.END_OF_UTTERANCE_SILENCE_MS,
        pauseMs: config.END_OF_TURN_MIN_SILENCE_MS,
        isCompleteTurn: domain.isCompleteTurn,
        greeting: domain.greeting,
        sendAudio: (frame) => port.sendAudio(frame),
        sendEvent: (event) => port.sendEvent(event),
        onTurn: (turn) => call?.record(turn),
        // The agent said goodbye and it has been played out: the call ends as for any hang-up from our side.
        onAgentHangUp: (reason) => void call?.end(reason),
        log: setup.log,
      });
      call = new VoiceCall(deps, setup, port, session, agents, { stt: stt.value, vad: vad.value }, new CallTrace(setup.transport, setup));
    } catch (err) {
      await Promise.allSettled([stt.value.close(), vad.value.close()]);
      throw err;
    }
    deps.metrics.callStarted(setup.transport);
    return call;
  }

  get agent(): AgentName {
    return this.agents.agent;
  }

  /** Tells the caller the call is up: which session, conversation and agent. */
  announce(): void {
    const { sessionId, conversationId } = this.setup;
    this.port.sendEvent({ type: 'ready', sessionId, conversationId, agent: this.agents.agent });
  }

  /** Greets the caller and starts listening. */
  start(): void {
    if (!this.ended && !this.released) this.trace.within(() => this.session.start());
  }

  pushAudio(frame: Int16Array): void {
    this.trace.within(() => this.session.pushAudio(frame));
  }

  pushText(text: string): void {
    this.trace.within(() => this.session.pushText(text));
  }

  /** A key the caller pressed (DTMF): a turn in words when the domain gives the key a meaning, otherwise nothing. */
  pushDigit(digit: string): void {
    const text = this.deps.domain.keypad?.(digit);
    if (text) this.pushText(text);
  }

  reportPlayback(turnId: string, playedMs: number): void {
    this.session.reportPlayback(turnId, playedMs);
  }

  /** The call is over for good (hang-up, time limit, the session ended): stores what was said and ends the conversation. */
  async end(reason: string): Promise<void> {
    if (this.ended) return;
    this.ended = reason;
    this.setup.log.info({ reason }, 'call ended');
    await this.release();
    await Promise.resolve(this.port.hangUp(reason)).catch((err: unknown) => this.setup.log.error({ err: (err as Error).message }, 'hanging up failed'));
    await this.setup
      .endConversation(reason)
      .catch((err: unknown) => this.setup.log.error({ err: (err as Error).message }, 'could not queue the end of the conversation'));
  }

  /**
   * Stops the pipeline without ending the conversation (the transport went away, or the process is
   * shutting down and the call may continue elsewhere). What was said is stored either way.
   */
  release(): Promise<void> {
    this.released ??= (async () => {
      await this.session.stop();
      await Promise.allSettled([this.engines.stt.close(), this.engines.vad.close()]);
      this.deps.metrics.callEnded(this.setup.transport);
      this.trace.end(this.ended ?? 'released');
    })();
    return this.released;
  }

  /**
   * Resolves once the turn is on disk in the outbox: the pipeline announces a caller's final
   * transcript only then, and logs a failure ("storing a turn failed").
   */
  private record(turn: FinishedTurn): Promise<void> {
    this.deps.metrics.turnFinished(this.setup.transport, turn);
    this.trace.turn(turn, this.agents.agent);
    return this.deps.outbox.enqueueTurn(this.setup.conversationId, turn);
  }
}
