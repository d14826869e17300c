/** Sends one text message. Failures are ApiErrors the caller can pass on as they are. */
export interface SmsSender {
  /** What sends: named in the start-up log. */
  readonly kind: 'twilio' | 'development-console' | 'none';
  send(to: string, body: string): Promise<void>;
}

export const SMS_SENDER = Symbol('SMS_SENDER');
