import { Logger } from '@nestjs/common';
import type { SmsSender } from './sms-sender';

/**
 * Development only (no SMS provider configured, NODE_ENV not production): "sends" a message by
 * printing it to the console, clearly marked, so a developer can read the code. Never used in production.
 */
export class DevelopmentSmsSender implements SmsSender {
  readonly kind = 'development-console';
  private readonly logger = new Logger('DevelopmentSms');

  async send(to: string, body: string): Promise<void> {
    this.logger.warn(`DEVELOPMENT ONLY, no SMS was sent (no SMS provider is configured). To ${to}: ${body}`);
  }
}
