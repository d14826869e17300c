import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type {} from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { VoiceCalls } from '../call/call.module';
import type { SessionRecord } from '../sessions/session-store';
import { SessionsService } from '../sessions/sessions.service';
import { TicketService } from '../sessions/ticket.service';
import { MEDIA_PATH } from '../sessions/websocket-url';
import { MediaConnection } from './media-connection';

type Admitted = FastifyRequest & { admitted: SessionRecord };

/**
 * The WebSocket voice transport at /v1/media?ticket=…: the ticket is checked before the upgrade
 * (a bad one gets a plain 401, no socket), then the socket carries one VoiceCall. With a shared
 * session store the ticket may come from any instance's session; this one then holds the socket, and
 * closes it when the session ends anywhere.
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
      (socket, req) => void this.open(socket, (req as Admitted).admitted),
    );
    this.sessions.ended$.subscribe(({ sessionId, reason }) => void this.connections.get(sessionId)?.end(reason));
  }

  async onApplicationShutdown() {
    await Promise.all([...this.connections.values()].map((c) => c.end('shutdown')));
  }

  private async admit(req: FastifyRequest, reply: FastifyReply) {
    const ticket = (req.query as Record<string, unknown>)['ticket'];
    let session: SessionRecord | null;
    try {
      session = await this.admittedSession(ticket);
    } catch (err) {
      this.logger.warn({ msg: `cannot check a media ticket: ${(err as Error).message}` });
      const message = 'Cannot check the media ticket: the session store is unavailable right now. Try again in a moment.';
      await reply.code(503).send({ error: { code: 'service_unavailable', message, requestId: req.id } });
      return;
    }
    if (!session) {
      await reply.code(401).send({
        error: {
          code: 'unauthorized',
          message: 'The media ticket is missing, expired or already used: start a new session (POST /v1/sessions).',
          requestId: req.id,
        },
      });
      return;
    }
    (req as Admitted).admitted = session;
  }

  /** The session a ticket admits to, now marked connected here; null when the ticket or the session is no good. */
  private async admittedSession(ticket: unknown): Promise<SessionRecord | null> {
    const grant = typeof ticket === 'string' ? await this.tickets.redeem(ticket) : null;
    const session = grant && (await this.sessions.find(grant.sessionId));
    if (!session || session.userId !== grant?.userId || session.status !== 'active') return null;
    return (await this.sessions.markConnected(session)) ? session : null;
  }

  private async open(socket: WebSocket, session: SessionRecord) {
    const { id: sessionId, userId } = session;
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
