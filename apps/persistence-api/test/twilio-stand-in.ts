import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const STAND_IN_SID = 'AC0123456789abcdef0123456789abcdef';
export const STAND_IN_TOKEN = 'stand-in-auth-token-0123456789';
export const STAND_IN_FROM = '+15005550006';

export interface ReceivedSms {
  accountSid: string;
  to: string;
  from: string;
  body: string;
}

/** What the stand-in answers next: Twilio's documented success, or one of its documented errors. */
export type StandInReply = 'ok' | { status: number; code?: number; message: string };

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
    req.on('end', () => resolve(data));
  });

/**
 * A local stand-in for Twilio's Messages API (POST /2010-04-01/Accounts/{AccountSid}/Messages.json,
 * form-encoded, basic auth), written from Twilio's documented requests and error bodies
 * ({code, message, more_info, status}). It checks the credentials like Twilio does (401, code 20003).
 */
export class TwilioStandIn {
  readonly received: ReceivedSms[] = [];
  private replies: StandInReply[] = [];
  private server?: Server;
  url = '';

  /** Queues answers for the next requests; afterwards it answers success again. */
  replyWith(...replies: StandInReply[]) {
    this.replies.push(...replies);
  }

  /** The code in the newest message sent to `to`. */
  lastCode(to: string): string {
    const sms = this.received.filter((m) => m.to === to).at(-1);
    const code = sms && /\b(\d{6})\b/.exec(sms.body)?.[1];
    if (!code) throw new Error(`the stand-in holds no code sent to ${to}`);
    return code;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close() {
    return new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse) {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, code: number | undefined, message: string) =>
      json(status, { code: code ?? null, message, more_info: code ? `https://www.twilio.com/docs/errors/${code}` : null, status });
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.url ?? '');
    const form = new URLSearchParams(await readBody(req));
    if (req.method !== 'POST' || !match) return error(404, 20404, 'The requested resource was not found');
    const expected = `Basic ${Buffer.from(`${STAND_IN_SID}:${STAND_IN_TOKEN}`).toString('base64')}`;
    if (req.headers.authorization !== expected || match[1] !== STAND_IN_SID) return error(401, 20003, 'Authenticate');
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return error(400, 21609, 'Invalid content type');
    const reply = this.replies.shift() ?? 'ok';
    if (reply !== 'ok') return error(reply.status, reply.code, reply.message);
    const sms = { accountSid: match[1], to: form.get('To') ?? '', from: form.get('From') ?? '', body: form.get('Body') ?? '' };
    if (!sms.to) return error(400, 21604, "A 'To' phone number is required.");
    this.received.push(sms);
    json(201, { sid: `SM${'0'.repeat(32)}`, account_sid: sms.accountSid, to: sms.to, from: sms.from, body: sms.body, status: 'queued', num_segments: '1' });
  }
}
