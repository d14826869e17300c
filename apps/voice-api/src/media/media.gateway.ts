import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AgentRunner } from '@voice/agent/agents';
import { GREETING } from '@voice/agent/agents';
import { VoiceSession, type FinishedTurn } from '@voice/agent/pipeline';
import type {} from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { InjectConfig, type VoiceApiConfig } from '../config';
import { MetricsService } from '../metrics/metrics.service';
import { TranscriptOutbox } from '../outbox/transcript-outbox';
import { InjectClinicPort } from '../persistence/persistence.module';
import type { ClinicPort } from '@voice/agent/agents';
import { SessionsService } from '../sessions/sessions.service';
import { TicketService } from '../sessions/ticket.service';
import { MEDIA_PATH } from '../sessions/websocket-url';
import { MediaConnection } from './media-connection';
import { VoiceProviders } from './voice-providers';

interface Admitted {
  sessionId: string;
  userId: string;
}

/**
 * The WebSocket voice transport at /v1/media?ticket=…: the ticket is checked before the upgrade
 * (a bad one gets a plain 401, no socket), then the socket drives one VoiceSession.
 */
@Injectable()
export class MediaGateway implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('MediaGateway');
  private readonly connections = new Map<string, MediaConnection>();

  constructor(
    private readonly adapter: HttpAdapterHost,
    @InjectConfig() private readonly config: VoiceApiConfig,
    private readonly sessions: SessionsService,
    private readonly tickets: TicketService,
    private readonly providers: VoiceProviders,
    private readonly outbox: TranscriptOutbox,
    private readonly metrics: MetricsService,
    @InjectClinicPort() private readonly clinic: ClinicPort,
  ) {}

  onModuleInit() {
    const fastify = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    fastify.get(
      MEDIA_PATH,
      { websocket: true, preValidation: (req, reply) => this.admit(req, reply) },
      (socket, req) => void this.open(socket, (req as FastifyRequest & { admitted: Admitted }).admitted),
    );
    this.sessions.ended$.subscribe(({ sessionId, reason }) => void this.connections.get(sessionId)?.end(reason));
  }

  async onApplicationShutdown() {
    await Promise.all([...this.connections.values()].map((c) => c.end('shutdown')));
  }

  private async admit(req: FastifyRequest, reply: FastifyReply) {
    const ticket = (req.query as Record<string, unknown>)['ticket'];
    const grant = typeof ticket === 'string' ? this.tickets.redeem(ticket) : null;
    const session = grant && this.sessions.find(grant.sessionId);
    if (!grant || !session || session.status !== 'active') {
      await reply.code(401).send({
        error: {
          code: 'unauthorized',
          message: 'The media ticket is missing, expired or already used: start a new session (POST /v1/sessions).',
          requestId: req.id,
        },
      });
      return;
    }
    (req as FastifyRequest & { admitted: Admitted }).admitted = grant;
  }

  private async open(socket: WebSocket, { sessionId, userId }: Admitted) {
    const session = this.sessions.find(sessionId);
    if (!session) return socket.close(1008, 'unknown session');
    const log = this.logger;
    const runLog = {
      info: (data: Record<string, unknown>, msg: string) => log.log({ ...data, msg, sessionId }),
      warn: (data: Record<string, unknown>, msg: string) => log.warn({ ...data, msg, sessionId }),
      error: (data: Record<string, unknown>, msg: string) => log.error({ ...data, msg, sessionId }),
    };
    let connection: MediaConnection | undefined;
    try {
      const [stt, vad] = await Promise.all([this.providers.createStt(), this.providers.createVad()]);
      const runner = new AgentRunner({
        llm: this.providers.llm,
        ctx: { clinic: this.clinic, caller: { userId }, timezone: this.config.CLINIC_TIMEZONE, now: () => new Date() },
        agent: session.agent as never,
        log: runLog,
      });
      const voice = new VoiceSession({
        stt,
        vad,
        tts: this.providers.tts,
        runner,
        vadThreshold: this.config.VAD_THRESHOLD,
        endOfUtteranceMs: this.config.END_OF_UTTERANCE_SILENCE_MS,
        greeting: GREETING,
        sendAudio: (frame) => connection?.sendAudio(frame),
        sendEvent: (event) => connection?.send(event),
        onTurn: (turn) => this.store(session.conversationId, turn),
        log: runLog,
      });
      connection = new MediaConnection(socket, voice, runLog, () => {
        this.connections.delete(sessionId);
        this.metrics.mediaClosed();
        void stt.close();
        void vad.close();
        void this.sessions.end(sessionId, 'hangup');
      });
      this.connections.set(sessionId, connection);
      this.metrics.mediaOpened();
      this.metrics.sessionsStarted.inc({ transport: 'websocket' });
      connection.send({ type: 'ready', sessionId, conversationId: session.conversationId, agent: session.agent });
    } catch (err) {
      log.error({ msg: 'could not start the voice pipeline', err: (err as Error).message, sessionId });
      socket.send(JSON.stringify({ type: 'error', code: 'internal', message: 'The voice pipeline could not start; please try again.' }));
      socket.close(1011, 'pipeline failed');
      void this.sessions.end(sessionId, 'hangup');
    }
  }

  private store(conversationId: string, turn: FinishedTurn) {
    this.metrics.turns.inc({ role: turn.role, interrupted: String(turn.interrupted) });
    if (turn.interrupted) this.metrics.bargeIns.inc();
    if (turn.role === 'agent') this.metrics.observeTurn(turn.latency);
    const { id, role, agent, text, interrupted, latency, createdAt } = turn;
    this.outbox
      .enqueueTurn(conversationId, { id, role, agent, text, interrupted, latency, createdAt })
      .catch((err: unknown) => this.logger.error({ msg: 'could not queue a turn for storage', err: (err as Error).message, conversationId }));
  }
}
