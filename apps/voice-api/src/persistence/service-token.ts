import { ClientCredentialsResponse, type ClientCredentialsRequest } from '@voice/contracts/persistence';
import { contractError, send, statusError, type HttpCall } from './http';
import { PersistenceError } from './persistence-error';

export interface ServiceCredential {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
}

/** Renew this long before expiry (at most a tenth of the token's life), so no call carries a token about to lapse. */
const RENEW_MARGIN_MS = 60_000;

/**
 * voice-api's own access token from persistence-api (OAuth client-credentials grant), cached
 * until shortly before it expires. Concurrent callers share one token request.
 */
export class ServiceTokenSource {
  private cached?: { token: string; renewAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly credential: ServiceCredential,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    if (this.cached && this.now() < this.cached.renewAt) return this.cached.token;
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** Forgets `token` after persistence-api refused it; the next get() asks for a new one. */
  invalidate(token: string) {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const call: HttpCall = {
      method: 'POST',
      url: `${this.credential.baseUrl}/v1/auth/token`,
      body: {
        grant_type: 'client_credentials',
        client_id: this.credential.clientId,
        client_secret: this.credential.clientSecret,
      } satisfies ClientCredentialsRequest,
      timeoutMs: this.credential.timeoutMs,
      // A second grant does no harm.
      idempotent: true,
    };
    const started = this.now();
    const { status, body } = await send(call);
    if (status === 401) {
      throw new PersistenceError(
        'status',
        `persistence-api refused voice-api's service credential (client id "${this.credential.clientId}"): set VOICE_API_CLIENT_SECRET to the value persistence-api has`,
        status,
        'unauthorized',
      );
    }
    if (status !== 200) throw statusError(call, status, body);
    const parsed = ClientCredentialsResponse.safeParse(body);
    if (!parsed.success) throw contractError(call, status, parsed.error.message);
    const lifetimeMs = parsed.data.expires_in * 1000;
    this.cached = { token: parsed.data.access_token, renewAt: started + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 10) };
    return parsed.data.access_token;
  }
}
