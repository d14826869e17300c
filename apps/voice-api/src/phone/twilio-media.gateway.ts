import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type {} from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { VoiceCalls } from '../call/call.module';
import type { VoiceCall } from '../call/voice-call';
import { InjectClock, type Clock } from '../common/clock';
import { InjectConfig, type VoiceApiConfig } from '../config';
import type { OutboxItem } from '../outbox/outbox-item';
import { TranscriptOutbox } from '../outbox/transcript-outbox';
import { PersistenceClient } from '../persistence/persistence-client';
import { PhoneLimits } from './phone-limits';
import { PHONE_MEDIA_PATH } from './phone-paths';
import { StreamTokens, type StreamGrant } from './stream-tokens';
import { TwilioMediaConnection } from './twilio-media-connection';
import { TwilioRest } from './twilio-rest';
import type { StartMessage } from './twilio-messages';

/**
 * Twilio's media WebSocket (/v1/phone/twilio/media). Twilio cannot authenticate the upgrade, so the
 * stream proves itself in its `start` message: the one-time token of the TwiML, bound to the call.
 * A stream so admitted becomes a phone conversation (the caller's number as its external party) and
 * one VoiceCall, ended after SESSION_MAX_MINUTES.
 */
@Injectable()
export class TwilioMediaGateway implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('TwilioMedia');
  private readonly calls = new Map<string, TwilioMediaConnection>();
  /** The calls carried here (for a while after they end too), for Twilio's status callback. */
  private readonly carried = new Map<string, { conversationId: string; record: CallRecordItem['call'] }>();

  constructor(
    private readonly adapter: HttpAdapterHost,
    @InjectConfig() private readonly config: VoiceApiConfig,
    @InjectClock() private readonly clock: Clock,
    private readonly tokens: StreamTokens,
    private readonly voiceCalls: VoiceCalls,
    private readonly persistence: PersistenceClient,
    private readonly outbox: TranscriptOutbox,
    private readonly limits: PhoneLimits,
  ) {}

  private rest?: TwilioRest;

  onModuleInit() {
    if (this.config.twilio) this.rest = new TwilioRest(this.config.twilio);
    const fastify = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    fastify.get(PHONE_MEDIA_PATH, { websocket: true, preValidation: (req, reply) => this.phoneOn(req, reply) }, (socket) => this.open(socket));
  }

  async onApplicationShutdown() {
    await Promise.all([...this.calls.values()].map((c) => c.end('shutdown')));
  }

  /** The conversation and record of a call this instance carried (within the last SESSION_MAX_MINUTES), if any. */
  carriedCall(callSid: string) {
    return this.carried.get(callSid);
  }

  private async phoneOn(req: FastifyRequest, reply: FastifyReply) {
    if (this.config.twilio) return;
    const message = 'Phone calls are off on this server: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN to take calls from Twilio.';
    await reply.code(404).send({ error: { code: 'not_found', message, requestId: req.id } });
  }

  private open(socket: WebSocket) {
    const log = this.logger;
    const context: { callSid?: string } = {};
    const streamLog = {
      info: (data: Record<string, unknown>, msg: string) => log.log({ ...data, msg, callSid: context.callSid }),
      warn: (data: Record<string, unknown>, msg: string) => log.warn({ ...data, msg, callSid: context.callSid }),
      error: (data: Record<string, unknown>, msg: string) => log.error({ ...data, msg, callSid: context.callSid }),
    };
    const connection: TwilioMediaConnection = new TwilioMediaConnection(socket, streamLog, async (start) => {
      const grant = await this.admitted(start);
      if (!grant) return null;
      context.callSid = grant.callSid;
      return this.openCall(grant, connection, streamLog);
    });
  }

  /** The call a stream's token was issued for, when the token is good and the stream is that call's. */
  private async admitted(start: StartMessage): Promise<StreamGrant | null> {
    const token = start.start.customParameters['token'];
    const grant = token ? await this.tokens.redeem(token) : null;
    if (!grant || grant.callSid !== start.start.callSid || start.start.accountSid !== this.config.twilio?.accountSid) return null;
    return grant;
  }

  private async openCall(grant: StreamGrant, connection: TwilioMediaConnection, log: VoiceCallLog): Promise<VoiceCall> {
    const release = () => this.limits.release(grant.from, grant.callSid).catch(() => undefined);
    // The number's slot, held since the webhook, now for the whole call (a minute more for its end).
    await this.limits.hold(grant.from, grant.callSid, (this.config.SESSION_MAX_MINUTES + 1) * 60_000).catch(() => undefined);
    let conversation: Awaited<ReturnType<PersistenceClient['createConversation']>>;
    try {
      conversation = await this.persistence.createConversation({ channel: 'phone', externalParty: grant.from });
    } catch (err) {
      await release();
      throw err;
    }
    const startedAt = this.clock.now();
    const deadline = startedAt + this.config.SESSION_MAX_MINUTES * 60_000;
    const record = { provider: 'twilio', providerCallId: grant.callSid, direction: 'inbound', from: grant.from, to: grant.to } as const;
    let call: VoiceCall | undefined;
    try {
      await this.outbox.openConversation(conversation.id, new Date(deadline).toISOString());
      await this.outbox.enqueueCall(conversation.id, { ...record, startedAt: new Date(startedAt).toISOString() });
      call = await this.voiceCalls.open(
        {
          transport: 'phone',
          sessionId: grant.callSid,
          conversationId: conversation.id,
          caller: { phone: grant.from },
          agent: conversation.agent,
          log,
          endConversation: async (reason) => {
            cancelCap();
            this.calls.delete(grant.callSid);
            await release();
            const endedAt = this.clock.now();
            const update = {
              status: /malformed/.test(reason) ? 'failed' : 'completed',
              endedAt: new Date(endedAt).toISOString(),
              durationSec: Math.round((endedAt - startedAt) / 1000),
            };
            // Ended from our side (time limit, shutdown, a broken stream): closing the stream ends the call, and
            // Twilio's REST API makes sure of it.
            if (reason !== 'caller hung up') {
              this.rest?.hangUp(grant.callSid).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'could not hang up through Twilio'));
            }
            await this.outbox.enqueueCall(conversation.id, record, update);
            await this.outbox.enqueueEnd(conversation.id, update.endedAt);
          },
        },
        connection,
      );
    } catch (err) {
      await this.outbox.enqueueEnd(conversation.id).catch(() => undefined);
      await release();
      throw err;
    }
    const opened = call;
    this.carried.set(grant.callSid, { conversationId: conversation.id, record });
    this.clock.setTimer((this.config.SESSION_MAX_MINUTES * 2 + 1) * 60_000, () => this.carried.delete(grant.callSid));
    const cancelCap = this.clock.setTimer(deadline - this.clock.now(), () => void opened.end('time limit'));
    this.calls.set(grant.callSid, connection);
    log.info({ conversationId: conversation.id }, 'phone call connected');
    return call;
  }
}

type VoiceCallLog = Parameters<VoiceCalls['open']>[0]['log'];
type CallRecordItem = Extract<OutboxItem, { kind: 'call' }>;
