import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type {} from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { VoiceCalls } from '../call/call.module';
import { SessionsService } from '../sessions/sessions.service';
import { TicketService } from '../sessions/ticket.service';
import { MEDIA_PATH } from '../sessions/websocket-url';
import { MediaConnection } from './media-connection';

interface Admitted {
  sessionId: string;
  userId: string;
}

/**
 * The WebSocket voice transport at /v1/media?ticket=…: the ticket is checked before the upgrade
 * (a bad one gets a plain 401, no socket), then the socket carries one VoiceCall.
 */
@Injectable()
export class MediaGateway implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('MediaGateway');
  private readonly connections = new Map<string, MediaConnection>();

  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly sessions: SessionsService,
    private readonly tickets: TicketService,
    private readonly calls: VoiceCalls,
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
    this.sessions.markConnected(grant.sessionId);
    (req as FastifyRequest & { admitted: Admitted }).admitted = grant;
  }

  private async open(socket: WebSocket, { sessionId, userId }: Admitted) {
    const session = this.sessions.find(sessionId);
    if (!session) return socket.close(1008, 'unknown session');
    const log = this.logger;
    const callLog = {
      info: (data: Record<string, unknown>, msg: string) => log.log({ ...data, msg, sessionId }),
      warn: (data: Record<string, unknown>, msg: string) => log.warn({ ...data, msg, sessionId }),
      error: (data: Record<string, unknown>, msg: string) => log.error({ ...data, msg, sessionId }),
    };
    const connection = new MediaConnection(socket, callLog);
    try {
      const call = await this.calls.open(
        {
          transport: 'websocket',
          sessionId,
          conversationId: session.conversationId,
          caller: { userId },
          agent: session.agent,
          log: callLog,
          endConversation: async () => {
            this.connections.delete(sessionId);
            await this.sessions.end(sessionId, 'hangup');
          },
        },
        connection,
      );
      connection.attach(call);
      this.connections.set(sessionId, connection);
      call.announce();
    } catch (err) {
      log.error({ msg: 'could not start the voice pipeline', err: (err as Error).message, sessionId });
      connection.sendEvent({ type: 'error', code: 'internal', message: 'The voice pipeline could not start; please try again.' });
      socket.close(1011, 'pipeline failed');
      void this.sessions.end(sessionId, 'hangup');
    }
  }
}
