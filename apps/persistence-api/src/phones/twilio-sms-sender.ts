import { Logger } from '@nestjs/common';
import { ApiError } from '@voice/server-kit';
import type { SmsSender } from './sms-sender';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  from: string;
  baseUrl: string;
  timeoutMs?: number;
}

/** Twilio error codes that mean "this recipient cannot get the SMS": the user's number, not our fault. */
const RECIPIENT_ERRORS: Record<number, string> = {
  21211: 'is not a valid phone number: check it and try again',
  21614: 'is not a mobile number that can receive SMS: use a mobile number',
  21612: 'cannot be reached by SMS from here: use another number',
  21408: 'is in a region we cannot send SMS to: use another number',
  21610: 'has opted out of our SMS (replied STOP): text START to us first, or use another number',
};

const providerFailed = () =>
  new ApiError(502, 'provider_failed', 'The SMS provider could not send the code right now: nothing was sent, try again in a few minutes');

/**
 * Sends with Twilio's Messages API: POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json,
 * form-encoded To/From/Body, HTTP basic auth AccountSid:AuthToken. A refused recipient is the caller's
 * 400 on body.phone; anything else Twilio refuses or fails is 502. Neither the token nor the message
 * body (it holds the code) is ever logged.
 */
export class TwilioSmsSender implements SmsSender {
  readonly kind = 'twilio';
  private readonly logger = new Logger('TwilioSms');

  constructor(private readonly settings: TwilioSettings) {}

  async send(to: string, body: string): Promise<void> {
    const { accountSid, authToken, from, baseUrl } = this.settings;
    const url = `${baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: new URLSearchParams({ To: to, From: from, Body: body }).toString(),
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 10_000),
      });
    } catch (err) {
      this.logger.error(`Twilio could not be reached: ${(err as Error).message}`);
      throw providerFailed();
    }
    if (res.ok) {
      await res.body?.cancel();
      return;
    }
    const error = (await res.json().catch(() => ({}))) as { code?: number; message?: string };
    const recipient = res.status === 400 && typeof error.code === 'number' ? RECIPIENT_ERRORS[error.code] : undefined;
    if (recipient) {
      throw new ApiError(400, 'validation_failed', `Invalid request: body.phone ${recipient}`, [{ path: 'body.phone', message: recipient }]);
    }
    const hint = res.status === 401 || res.status === 403 ? ' (check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)' : '';
    this.logger.error(`Twilio refused the SMS: HTTP ${res.status}, code ${error.code ?? 'none'}: ${error.message ?? 'no message'}${hint}`);
    throw providerFailed();
  }
}
