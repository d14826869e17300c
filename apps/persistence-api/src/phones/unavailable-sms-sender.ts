import { ApiError } from '@voice/server-kit';
import type { SmsSender } from './sms-sender';

/** Production without an SMS provider: every send is refused with 503, and nothing is logged. */
export class UnavailableSmsSender implements SmsSender {
  readonly kind = 'none';

  async send(): Promise<void> {
    throw ApiError.unavailable(
      'service_unavailable',
      'Phone verification is not available: this server has no SMS provider configured. Ask the operator to set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_SMS_FROM',
      3600,
    );
  }
}
