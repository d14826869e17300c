import { MEDIA_SAMPLE_RATE, type AgentState, type ServerEvent } from '@voice/contracts/media';
import type { AgentName, AppendMessageRequest, TurnLatency } from '@voice/contracts/persistence';
import { randomUUID } from 'node:crypto';
import type { AgentConversation, RunnerLog } from '../agents/runner';
import { FrameChunker } from '../audio/frames';
import { Resampler } from '../audio/resample';
import type { SpeechToText, SttUtterance } from '../stt/stt';
import type { TextToSpeech } from '../tts/tts';
import type { VoiceActivityDetector } from '../vad/vad';
import { heardText, type SpokenSentence } from './heard-text';
import { Playout } from './playout';
import { SentenceSplitter } from './sentence-splitter';
import { TurnDetector } from './turn-detector';

/** A finished turn, ready to be stored as it is (an append-message request): what was said (or heard, when cut off) and its figures. */
export interface FinishedTurn extends AppendMessageRequest {
  role: 'user' | 'agent';
  agent?: AgentName;
  interrupted: boolean;
  latency: TurnLatency;
  createdAt: string;
}

export interface VoiceSessionOptions {
  stt: SpeechToText;
  tts: TextToSpeech;
  vad: VoiceActivityDetector;
  runner: AgentConversation;
  vadThreshold: number;
  /** Silence that ends the caller's turn whatever they said (the longest wait). */
  endOfUtteranceMs: number;
  /**
   * With `isCompleteTurn`: the silence after which the words so far are judged, and a complete
   * request ends the turn at once; an incomplete one waits for more speech up to `endOfUtteranceMs`.
   */
  pauseMs?: number;
  /** The domain's judge of the caller's words so far: a complete request? Without it, silence alone ends a turn. */
  isCompleteTurn?: (text: string) => boolean;
  greeting?: string;
  sendAudio(frame: Int16Array): void;
  sendEvent(event: ServerEvent): void;
  /**
   * Every finished turn, in order: the transport writes it to the outbox. A promise it returns
   * settles once the turn is durable; the caller's final transcript is announced only after that.
   */
  onTurn(turn: FinishedTurn): void | Promise<void>;
  /**
   * The agent ended the call (its end-call tool), and its last reply has been played out: the
   * transport hangs up. A barge-in during that reply cancels the hang-up (see `respond`).
   */
  onAgentHangUp?(reason: string): void;
  log: RunnerLog & { info(data: Record<string, unknown>, message: string): void };
  playoutLeadMs?: number;
  /** How long to wait for the client's own playback report after a `clear`. */
  playbackReportWaitMs?: number;
}

interface Timing {
  /** When the caller stopped speaking (or sent text). */
  spokeAt: number;
  endOfUtteranceMs: number;
  sttMs: number;
}

/** One agent reply in flight: its text by sentence, its audio position, its figures. */
interface Reply {
  id: string;
  agent: AgentName;
  abort: AbortController;
  sentences: SpokenSentence[];
  audioMs: number;
  metrics: TurnLatency;
  timing?: Timing;
  startedAt: number;
  firstAudioAt?: number;
  /** The agent ended the call in this reply: hang up once it has been played out. */
  endsCall?: boolean;
}

/** Why a call ends when an agent ends it. */
export const AGENT_HANG_UP_REASON = 'agent ended the call';

/**
 * How long a pause waits for the recogniser's words so far before judging the turn incomplete (and so
 * waiting for the longest silence). The offline decoder holds a short utterance back for its look-ahead
 * normalisation and decodes it when asked, which takes longer on a busy machine.
 */
const HYPOTHESIS_WAIT_MS = 250;

/** A typical synthetic speaking rate (about 170 words a minute): where a sentence whose audio is still arriving will end. */
const ESTIMATED_MS_PER_WORD = 350;

/**
 * One caller, one conversation: VAD → turn detection → STT → agents → TTS → paced playout, with
 * barge-in and per-turn metrics. Transport-free: the WebSocket gateway, telephony and LiveKit feed
 * it 16 kHz frames and forward what it sends.
 */
export class VoiceSession {
  private readonly detector: TurnDetector;
  private readonly playout: Playout;
  private utterance?: SttUtterance;
  /** The current utterance's latest interim words: what a pause is judged by when the recogniser cannot decode on request. */
  private interim = '';
  private reply?: Reply;
  private frames: Promise<void> = Promise.resolve();
  private state: AgentState = 'listening';
  private closed = false;
  private pendingTurnId?: string;
  /** Turns reach onTurn through this chain, so storage order is speaking order even when a cut-off reply settles late. */
  private stored: Promise<void> = Promise.resolve();
  /** Cut-off replies waiting for the client to say how much of them it played, by turn id. */
  private readonly awaitingPlayback = new Map<string, (playedMs: number) => void>();

  constructor(private readonly o: VoiceSessionOptions) {
    this.detector = new TurnDetector({
      threshold: o.vadThreshold,
      endOfUtteranceMs: o.endOfUtteranceMs,
      pauseMs: o.isCompleteTurn ? o.pauseMs : undefined,
    });
    this.playout = new Playout({ send: (frame) => o.sendAudio(frame), leadMs: o.playoutLeadMs });
  }

  /** Greets the caller (when a greeting is set) and starts listening. */
  start(): void {
    this.setState('listening');
    if (this.o.greeting) {
      this.o.runner.greet(this.o.greeting);
      void this.speak(this.o.greeting);
    }
  }

  /** One 20 ms frame of caller audio (320 samples). Frames are processed strictly in order. */
  pushAudio(frame: Int16Array): void {
    if (this.closed) return;
    const arrivedAt = performance.now();
    this.frames = this.frames
      .then(async () => {
        const probability = await this.o.vad.process(frame);
        for (const event of this.detector.update(frame, probability, arrivedAt)) {
          if (event.type === 'start') this.onSpeechStart(event.preRoll);
          else if (event.type === 'audio') this.utterance?.push(event.frame);
          else if (event.type === 'end') void this.onSpeechEnd(event.lastSpeechAt);
          // Later frames wait for the verdict (a few ms), so speech that resumes meanwhile still continues this turn.
          else if (await this.saidEnough()) void this.onSpeechEnd(this.detector.endTurn().lastSpeechAt);
        }
      })
      .catch((err: unknown) => this.o.log.error({ err }, 'audio frame failed'));
  }

  /** Typed input: a final user turn, without STT. */
  pushText(text: string): void {
    if (this.closed) return;
    this.interrupt();
    void this.userTurn(text, { spokeAt: performance.now(), endOfUtteranceMs: 0, sttMs: 0 });
  }

  /** The client says how much of a turn it actually played. */
  reportPlayback(turnId: string, playedMs: number): void {
    this.awaitingPlayback.get(turnId)?.(playedMs);
  }

  /** Ends the session: stops speech, stores what the caller heard of a reply in flight. */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.utterance?.abort();
    this.utterance = undefined;
    const reply = this.reply;
    this.reply = undefined;
    if (reply) {
      reply.abort.abort();
      const played = this.playout.clear();
      void this.store(this.finishReply(reply, played, reply.audioMs > played + 1));
    }
    this.playout.close();
    await this.frames;
    await this.stored;
  }

  /** Queues the turn for onTurn after every earlier one; resolves true once it is stored, false when storing failed. */
  private store(turn: FinishedTurn | undefined | Promise<FinishedTurn | undefined>): Promise<boolean> {
    const stored = this.stored
      .then(() => turn)
      .then(async (t) => {
        if (t) await this.o.onTurn(t);
        return true;
      })
      .catch((err: unknown) => {
        this.o.log.error({ err }, 'storing a turn failed');
        return false;
      });
    this.stored = stored.then(() => undefined);
    return stored;
  }

  private onSpeechStart(preRoll: Int16Array[]) {
    if (this.playout.busy) this.interrupt();
    this.utterance?.abort();
    const turnId = randomUUID();
    this.interim = '';
    const utterance = this.o.stt.startUtterance({
      onInterim: (text) => {
        if (this.utterance === utterance) this.interim = text;
        if (text) this.o.sendEvent({ type: 'transcript', turnId, role: 'user', text, final: false });
      },
    });
    this.utterance = utterance;
    for (const frame of preRoll) this.utterance.push(frame);
    this.pendingTurnId = turnId;
  }

  /** At a pause: are the caller's words so far a complete request (by the domain's judge)? */
  private async saidEnough(): Promise<boolean> {
    const { isCompleteTurn } = this.o;
    const utterance = this.utterance;
    if (!isCompleteTurn || !utterance) return false;
    let text = this.interim;
    if (utterance.hypothesis) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(''), HYPOTHESIS_WAIT_MS)));
      text = await Promise.race([utterance.hypothesis().catch(() => ''), late]);
      clearTimeout(timer);
    }
    return this.utterance === utterance && this.detector.inTurn && isCompleteTurn(text);
  }

  private async onSpeechEnd(lastSpeechAt: number) {
    const utterance = this.utterance;
    const turnId = this.pendingTurnId;
    this.utterance = undefined;
    if (!utterance) return;
    const endedAt = performance.now();
    try {
      const { text } = await utterance.finish();
      const timing = { spokeAt: lastSpeechAt, endOfUtteranceMs: endedAt - lastSpeechAt, sttMs: performance.now() - endedAt };
      if (text.trim()) await this.userTurn(text.trim(), timing, turnId);
    } catch (err) {
      this.o.log.error({ err, stt: this.o.stt.name }, 'speech recognition failed');
      this.o.sendEvent({ type: 'error', code: 'provider_error', message: 'Speech recognition failed for that utterance; please say it again.' });
    }
  }

  /** The caller spoke over the agent: stop playback now, keep what they heard. */
  private interrupt() {
    const reply = this.reply;
    if (!reply) return;
    this.reply = undefined;
    reply.abort.abort();
    if (reply.firstAudioAt === undefined) return;
    const estimate = this.playout.clear();
    const sentMs = this.playout.sentMs;
    this.o.sendEvent({ type: 'clear', turnId: reply.id });
    // Only the client knows what it played (its buffer, its start-up delay): its report decides
    // the cut; our estimate stands in when no report comes in time.
    void this.store(
      new Promise<FinishedTurn | undefined>((resolve) => {
        const settle = (playedMs: number) => {
          this.awaitingPlayback.delete(reply.id);
          clearTimeout(timer);
          resolve(this.finishReply(reply, Math.min(playedMs, sentMs), true));
        };
        const timer = setTimeout(() => settle(estimate), this.o.playbackReportWaitMs ?? 300);
        this.awaitingPlayback.set(reply.id, settle);
      }),
    );
  }

  private async userTurn(text: string, timing: Timing, turnId: string = randomUUID()) {
    if (this.closed) return;
    this.interrupt();
    // Write, then announce: a turn the caller sees as final is already stored, so a crash right after cannot lose it.
    const stored = await this.store({
      id: turnId,
      role: 'user',
      text,
      interrupted: false,
      latency: { endOfUtteranceMs: Math.round(timing.endOfUtteranceMs), sttMs: Math.round(timing.sttMs) },
      createdAt: new Date().toISOString(),
    });
    if (this.closed) return;
    this.o.sendEvent({ type: 'transcript', turnId, role: 'user', text, final: true });
    if (!stored) this.o.sendEvent({ type: 'error', code: 'internal', message: 'What you just said could not be saved to the conversation history.' });
    await this.respond(text, timing);
  }

  private async respond(text: string, timing: Timing) {
    const reply = this.newReply(timing);
    this.setState('thinking');
    const requestedAt = performance.now();
    const splitter = new SentenceSplitter();
    let speaking = Promise.resolve();
    const queue = (sentences: string[]) => {
      for (const s of sentences) speaking = speaking.then(() => this.synthesize(reply, s));
    };
    try {
      for await (const event of this.o.runner.respond(text, reply.abort.signal)) {
        if (reply.abort.signal.aborted) return;
        if (event.type === 'handoff') {
          reply.agent = event.to;
          this.o.sendEvent({ type: 'agent_state', state: this.state, agent: event.to });
        } else if (event.type === 'text') {
          reply.agent = event.agent;
          reply.metrics.llmFirstTokenMs ??= Math.round(performance.now() - requestedAt);
          queue(splitter.push(event.text));
        } else if (event.type === 'end_call') reply.endsCall = true;
      }
      queue(splitter.flush());
      await speaking;
      if (reply.abort.signal.aborted) return;
      await this.playout.idle();
      // A barge-in (or new typed text) before the goodbye has been played out aborted this reply, and
      // with it the hang-up: whatever the caller said gets an answer, and that answer may end the call again.
      if (this.reply !== reply) return;
      this.reply = undefined;
      void this.store(this.finishReply(reply, reply.audioMs, false));
      if (reply.endsCall && !this.closed) {
        this.o.log.info({ agent: reply.agent }, 'the agent ended the call');
        this.o.onAgentHangUp?.(AGENT_HANG_UP_REASON);
      }
    } catch (err) {
      if (!reply.abort.signal.aborted) this.o.log.error({ err }, 'reply failed');
    }
  }

  /** A reply without a caller turn before it: the greeting. */
  private async speak(text: string) {
    const reply = this.newReply(undefined);
    await this.synthesize(reply, text);
    await this.playout.idle();
    if (this.reply !== reply) return;
    this.reply = undefined;
    void this.store(this.finishReply(reply, reply.audioMs, false));
  }

  private newReply(timing: Timing | undefined): Reply {
    const reply: Reply = {
      id: randomUUID(),
      agent: this.o.runner.agent,
      abort: new AbortController(),
      sentences: [],
      audioMs: 0,
      metrics: timing ? { endOfUtteranceMs: Math.round(timing.endOfUtteranceMs), sttMs: Math.round(timing.sttMs) } : {},
      timing,
      startedAt: performance.now(),
    };
    this.reply = reply;
    this.playout.beginTurn();
    return reply;
  }

  private async synthesize(reply: Reply, sentence: string) {
    if (reply.abort.signal.aborted) return;
    const resampler = new Resampler(this.o.tts.sampleRate, MEDIA_SAMPLE_RATE);
    const chunker = new FrameChunker();
    const startMs = reply.audioMs;
    // The sentence counts from its first audio on, since that starts playing at once; until all
    // of its audio is in, where it ends is estimated from its words.
    const spoken: SpokenSentence = { text: sentence, startMs, endMs: startMs + sentence.split(/\s+/).length * ESTIMATED_MS_PER_WORD };
    const requested = performance.now();
    const enqueue = (frames: Int16Array[]) => {
      if (reply.abort.signal.aborted || frames.length === 0) return;
      if (reply.audioMs === startMs) reply.sentences.push(spoken);
      reply.audioMs += frames.length * 20;
      spoken.endMs = Math.max(spoken.endMs, reply.audioMs);
      this.playout.enqueue(frames);
      if (reply.firstAudioAt === undefined) this.onFirstAudio(reply);
    };
    try {
      for await (const chunk of this.o.tts.synthesize(sentence, reply.abort.signal)) {
        reply.metrics.ttsFirstByteMs ??= Math.round(performance.now() - requested);
        enqueue(chunker.push(resampler.process(chunk)));
      }
      const rest = chunker.push(resampler.flush());
      const last = chunker.flush();
      enqueue(last ? [...rest, last] : rest);
    } catch (err) {
      if (reply.abort.signal.aborted) return;
      this.o.log.error({ err, tts: this.o.tts.name }, 'speech synthesis failed');
    }
    if (reply.abort.signal.aborted) return;
    spoken.endMs = reply.audioMs;
    this.o.sendEvent({
      type: 'transcript',
      turnId: reply.id,
      role: 'agent',
      agent: reply.agent,
      text: reply.sentences.map((s) => s.text).join(' '),
      final: false,
    });
  }

  private onFirstAudio(reply: Reply) {
    reply.firstAudioAt = performance.now();
    this.setState('speaking', reply.agent);
    if (!reply.timing) return;
    reply.metrics.voiceToVoiceMs = Math.round(reply.firstAudioAt - reply.timing.spokeAt);
    this.o.sendEvent({ type: 'turn_metrics', turnId: reply.id, metrics: reply.metrics });
  }

  private finishReply(reply: Reply, playedMs: number, interrupted: boolean): FinishedTurn | undefined {
    const text = interrupted ? heardText(reply.sentences, playedMs) : reply.sentences.map((s) => s.text).join(' ');
    if (interrupted) this.o.runner.amendLastReply(text);
    if (!this.closed) this.o.sendEvent({ type: 'transcript', turnId: reply.id, role: 'agent', agent: reply.agent, text, final: true, interrupted });
    if (!this.closed && !this.reply) this.setState('listening');
    if (!text) return undefined;
    return { id: reply.id, role: 'agent', agent: reply.agent, text, interrupted, latency: reply.metrics, createdAt: new Date().toISOString() };
  }

  private setState(state: AgentState, agent: string = this.o.runner.agent) {
    this.state = state;
    if (!this.closed) this.o.sendEvent({ type: 'agent_state', state, agent });
  }
}
