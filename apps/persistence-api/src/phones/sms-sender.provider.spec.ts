import { loadPersistenceApiConfig } from '@voice/config/persistence-api';
import { ApiError } from '@voice/server-kit';
import { pickSmsSender } from './sms-sender.provider';

const twilio = { TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'token-0123456789abcdef', TWILIO_SMS_FROM: '+15005550006' };

describe('pickSmsSender', () => {
  it('uses Twilio when its three settings are set', () => {
    expect(pickSmsSender(loadPersistenceApiConfig({ NODE_ENV: 'development', ...twilio })).kind).toBe('twilio');
  });

  it('prints codes to the console in development without a provider', () => {
    expect(pickSmsSender(loadPersistenceApiConfig({ NODE_ENV: 'development' })).kind).toBe('development-console');
  });

  it('refuses with 503 in production without a provider, naming the settings', async () => {
    const sender = pickSmsSender({ ...loadPersistenceApiConfig({ NODE_ENV: 'development' }), NODE_ENV: 'production' });
    expect(sender.kind).toBe('none');
    const err = (await sender.send('+14155550123', '123456 is your code').catch((e: unknown) => e)) as ApiError;
    expect(err.getStatus()).toBe(503);
    expect(err.message).toMatch(/no SMS provider configured.*TWILIO_ACCOUNT_SID/);
    expect(err.message).not.toContain('123456');
  });

  it('refuses at start-up a Twilio configuration missing a setting', () => {
    expect(() => loadPersistenceApiConfig({ NODE_ENV: 'development', TWILIO_ACCOUNT_SID: twilio.TWILIO_ACCOUNT_SID })).toThrow(
      /TWILIO_AUTH_TOKEN[\s\S]*Twilio SMS needs all three/,
    );
  });
});
