import { Logger, type FactoryProvider } from '@nestjs/common';
import { CONFIG, type PersistenceApiConfig } from '../config';
import { DevelopmentSmsSender } from './development-sms-sender';
import { SMS_SENDER, type SmsSender } from './sms-sender';
import { TwilioSmsSender } from './twilio-sms-sender';
import { UnavailableSmsSender } from './unavailable-sms-sender';

/** Twilio when configured (the schema requires all three settings together); else the console in development, nothing in production. */
export function pickSmsSender(config: PersistenceApiConfig): SmsSender {
  if (config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_SMS_FROM) {
    return new TwilioSmsSender({
      accountSid: config.TWILIO_ACCOUNT_SID,
      authToken: config.TWILIO_AUTH_TOKEN,
      from: config.TWILIO_SMS_FROM,
      baseUrl: config.TWILIO_API_BASE_URL,
    });
  }
  return config.NODE_ENV === 'production' ? new UnavailableSmsSender() : new DevelopmentSmsSender();
}

export const smsSenderProvider: FactoryProvider<SmsSender> = {
  provide: SMS_SENDER,
  inject: [CONFIG],
  useFactory: (config: PersistenceApiConfig) => {
    const sender = pickSmsSender(config);
    const logger = new Logger('Sms');
    if (sender.kind === 'development-console') logger.warn('No SMS provider configured: verification codes are printed to this console (development only)');
    if (sender.kind === 'none') logger.warn('No SMS provider configured: phone verification answers 503 until TWILIO_* is set');
    return sender;
  },
};
