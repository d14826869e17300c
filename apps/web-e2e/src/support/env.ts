/** What global setup hands the tests through the environment (Playwright workers inherit it). */
export interface E2EEnv {
  webUrl: string;
  persistenceUrl: string;
  voiceUrl: string;
  /** The weekday the fake microphone asks for. */
  bookingDay: string;
  /** web's service secret, for another web server of the suite's build. */
  webClientSecret: string;
  /** voice-api's service secret, for tests that record what voice-api records (a phone call, say). */
  voiceApiClientSecret: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is unset: run the browser tests through apps/web-e2e/playwright.config.ts (its global setup starts the services)`);
  return value;
}

export function e2eEnv(): E2EEnv {
  return {
    webUrl: required('E2E_WEB_URL'),
    persistenceUrl: required('E2E_PERSISTENCE_URL'),
    voiceUrl: required('E2E_VOICE_URL'),
    bookingDay: required('E2E_BOOKING_DAY'),
    webClientSecret: required('E2E_WEB_CLIENT_SECRET'),
    voiceApiClientSecret: required('E2E_VOICE_API_CLIENT_SECRET'),
  };
}

/**
 * The secret values global setup gave the services (E2E_SERVICE_SECRETS, a JSON list): what the
 * client bundle must never contain.
 */
export function serviceSecrets(): string[] {
  return JSON.parse(required('E2E_SERVICE_SECRETS')) as string[];
}
