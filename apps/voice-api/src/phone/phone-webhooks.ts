import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InjectConfig, type VoiceApiConfig } from '../config';
import { websocketBase } from '../sessions/websocket-url';
import { CallStatusCallback, fieldProblem, IncomingCall } from './incoming-call';
import { PhoneLimits } from './phone-limits';
import { PHONE_MEDIA_PATH, PHONE_STATUS_PATH, PHONE_VOICE_PATH } from './phone-paths';
import { StreamTokens } from './stream-tokens';
import { calledUrl, formFields, signedByTwilio } from './twilio-signature';
import { TwilioMediaGateway } from './twilio-media.gateway';
import { connectStreamTwiml, sorryTwiml } from './twiml';
import { TranscriptOutbox } from '../outbox/transcript-outbox';

const error = (req: FastifyRequest, code: string, message: string) => ({ error: { code, message, requestId: req.id } });

/**
 * Twilio's webhooks on their own Fastify scope, which alone parses form bodies (the rest of the API
 * takes JSON only). Every request must carry a valid X-Twilio-Signature for the URL Twilio called;
 * anything else gets 403 and no TwiML.
 */
@Injectable()
export class PhoneWebhooks implements OnModuleInit {
  private readonly logger = new Logger('PhoneWebhooks');

  constructor(
    private readonly adapter: HttpAdapterHost,
    @InjectConfig() private readonly config: VoiceApiConfig,
    private readonly tokens: StreamTokens,
    private readonly limits: PhoneLimits,
    private readonly media: TwilioMediaGateway,
    private readonly outbox: TranscriptOutbox,
  ) {}

  onModuleInit() {
    const fastify = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(async (scope) => {
      scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));
      scope.post(PHONE_VOICE_PATH, (req, reply) => this.incomingCall(req, reply));
      scope.post(PHONE_STATUS_PATH, (req, reply) => this.callStatus(req, reply));
    });
  }

  /**
   * The form fields of a webhook Twilio signed for this account; otherwise the reply is sent (404 when
   * phone mode is off, 403 for a blocked source or a bad signature) and this is null.
   */
  private async signedFields(req: FastifyRequest, reply: FastifyReply, path: string): Promise<Record<string, string> | null> {
    const twilio = this.config.twilio;
    if (!twilio) {
      const message = 'Phone calls are off on this server: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN to take calls from Twilio.';
      await reply.code(404).send(error(req, 'not_found', message));
      return null;
    }
    if (await this.limits.blocked(req.ip).catch(() => false)) {
      this.logger.warn({ msg: 'refused a phone webhook from a blocked source', ip: req.ip, path });
      const message = 'Too many requests from this address failed signature validation: it is refused for 15 minutes.';
      await reply.code(403).send(error(req, 'forbidden', message));
      return null;
    }
    const fields = formFields(req.body);
    if (!signedByTwilio(twilio.authToken, req, calledUrl(this.config.PUBLIC_URL, req), fields)) {
      const blocked = await this.limits.signatureFailed(req.ip).catch(() => false);
      this.logger.warn({ msg: 'refused a phone webhook: missing or invalid X-Twilio-Signature', ip: req.ip, path, blocked });
      const message = 'X-Twilio-Signature is missing or does not match this request: only Twilio, signing with this account, may call this webhook.';
      await reply.code(403).send(error(req, 'forbidden', message));
      return null;
    }
    return fields;
  }

  /**
   * "Call status changes": a call carried here that ended gets Twilio's word on its outcome and length
   * in its record (through the outbox). Other calls and interim statuses are acknowledged, nothing more.
   */
  private async callStatus(req: FastifyRequest, reply: FastifyReply) {
    const fields = await this.signedFields(req, reply, PHONE_STATUS_PATH);
    if (!fields) return reply;
    const parsed = CallStatusCallback.safeParse(fields);
    if (!parsed.success) return reply.code(400).send(error(req, 'bad_request', `Invalid call status callback, ${fieldProblem(parsed.error)}.`));
    const status = parsed.data;
    if (status.AccountSid !== this.config.twilio?.accountSid)
      return reply.code(403).send(error(req, 'forbidden', 'This call belongs to another Twilio account.'));
    const carried = this.media.carriedCall(status.CallSid);
    if (!carried || ['queued', 'ringing'].includes(status.CallStatus)) return reply.code(204).send();
    const update = {
      status: status.CallStatus,
      durationSec: status.CallDuration,
      ...(status.CallStatus === 'in-progress' ? {} : { endedAt: new Date().toISOString() }),
    };
    await this.outbox.enqueueCall(carried.conversationId, carried.record, update);
    this.logger.log({ msg: `phone call status: ${status.CallStatus}`, callSid: status.CallSid });
    return reply.code(204).send();
  }

  /** "A call comes in": answers TwiML connecting the call to the media WebSocket with a one-time token. */
  private async incomingCall(req: FastifyRequest, reply: FastifyReply) {
    const fields = await this.signedFields(req, reply, PHONE_VOICE_PATH);
    const twilio = this.config.twilio;
    if (!fields || !twilio) return reply;
    const parsed = IncomingCall.safeParse(fields);
    if (!parsed.success) return reply.code(400).send(error(req, 'bad_request', `Invalid incoming-call webhook, ${fieldProblem(parsed.error)}.`));
    const call = parsed.data;
    if (call.AccountSid !== twilio.accountSid) {
      return reply.code(403).send(error(req, 'forbidden', 'This call belongs to another Twilio account.'));
    }
    let token: string;
    try {
      // Held until the stream connects (then for the whole call) or its token expires.
      if (!(await this.limits.hold(call.From, call.CallSid, this.config.PHONE_STREAM_TOKEN_TTL_SECONDS * 1000))) {
        this.logger.warn({ msg: 'refused a phone call: too many calls from this number at once', callSid: call.CallSid });
        const sorry = `Sorry, there are already ${this.config.PHONE_MAX_CALLS_PER_NUMBER} calls from your number in progress. Please call again later.`;
        return reply.code(200).type('text/xml').send(sorryTwiml(sorry));
      }
      token = await this.tokens.issue({ callSid: call.CallSid, from: call.From, to: call.To });
    } catch (err) {
      this.logger.warn({ msg: `cannot issue a stream token: ${(err as Error).message}`, callSid: call.CallSid });
      return reply.code(503).send(error(req, 'service_unavailable', 'Cannot take the call: the session store is unavailable right now.'));
    }
    const streamUrl = `${websocketBase(this.config.PUBLIC_URL, req)}${PHONE_MEDIA_PATH}`;
    this.logger.log({ msg: 'phone call coming in', callSid: call.CallSid });
    return reply.code(200).type('text/xml').send(connectStreamTwiml(streamUrl, token));
  }
}
