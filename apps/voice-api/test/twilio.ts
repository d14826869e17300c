import { twilioSid } from '@voice/testing/twilio-caller';

/** The Twilio account the phone tests configure voice-api with (made up: no Twilio is reached). */
export const TEST_TWILIO = { TWILIO_ACCOUNT_SID: `AC${'0123456789abcdef'.repeat(2)}`, TWILIO_AUTH_TOKEN: 'test-twilio-auth-token-0123456789' };

/** The fields of Twilio's "A call comes in" webhook, as documented, for a call to the clinic's number. */
export const incomingCall = (o: Partial<Record<string, string>> = {}): Record<string, string> => ({
  AccountSid: TEST_TWILIO.TWILIO_ACCOUNT_SID,
  ApiVersion: '2010-04-01',
  CallSid: twilioSid('CA'),
  CallStatus: 'ringing',
  Called: '+15550001111',
  Caller: '+15557654321',
  Direction: 'inbound',
  From: '+15557654321',
  To: '+15550001111',
  ...o,
});
