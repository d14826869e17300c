import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ServiceScope, type ClientCredentialsRequest, type ClientCredentialsResponse } from '@voice/contracts/persistence';
import { ApiError } from '@voice/server-kit';
import { Repository } from 'typeorm';
import { InjectConfig, type PersistenceApiConfig } from '../config';
import { AccessTokensService } from './access-tokens.service';
import { ServiceClientEntity } from './entities/service-client.entity';
import { hashSecret, verifySecret } from './passwords';

/**
 * What voice-api's credential may do: write transcripts, read and book clinic data, manage the
 * doctors' working hours (the schedule API has no client of its own yet), and ask which user has
 * verified a caller's number. Nothing else about user profiles.
 */
export const VOICE_API_SCOPES: ServiceScope[] = ['conversations:write', 'clinic:read', 'clinic:book', 'clinic:schedule', 'phone-owners:read'];

const invalidClient = () => new ApiError(401, 'unauthorized', 'Unknown client or wrong client secret');

@Injectable()
export class ServiceClientsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ServiceClientsService.name);

  constructor(
    @InjectRepository(ServiceClientEntity) private readonly clients: Repository<ServiceClientEntity>,
    private readonly tokens: AccessTokensService,
    @InjectConfig() private readonly config: PersistenceApiConfig,
  ) {}

  /** Keeps the voice-api credential in step with VOICE_API_CLIENT_SECRET. */
  async onApplicationBootstrap() {
    await this.ensure(this.config.VOICE_API_CLIENT_ID, this.config.VOICE_API_CLIENT_SECRET, VOICE_API_SCOPES);
  }

  async ensure(clientId: string, secret: string, scopes: ServiceScope[]) {
    const existing = await this.clients.findOneBy({ clientId });
    const scopeText = scopes.join(' ');
    if (existing && existing.scopes === scopeText && (await verifySecret(existing.secretHash, secret))) return;
    // upsert: several instances may boot at once against one database.
    await this.clients.upsert({ clientId, secretHash: await hashSecret(secret), scopes: scopeText, createdAt: existing?.createdAt ?? new Date() }, [
      'clientId',
    ]);
    this.logger.log(`service client "${clientId}" ${existing ? 'updated' : 'registered'} with scopes: ${scopeText}`);
  }

  async grant(req: ClientCredentialsRequest): Promise<ClientCredentialsResponse> {
    const client = await this.clients.findOneBy({ clientId: req.client_id });
    if (!client || !(await verifySecret(client.secretHash, req.client_secret))) throw invalidClient();
    const allowed = client.scopes.split(' ');
    // An absent or blank scope means the client's default (all of its scopes), as RFC 6749 §3.3 allows;
    // a blank one must not yield a token that can do nothing. Repeats are granted once.
    const asked = [...new Set((req.scope ?? '').split(' ').filter(Boolean))];
    const requested = asked.length ? asked : allowed;
    const refused = requested.filter((s) => !allowed.includes(s));
    if (refused.length) {
      throw new ApiError(403, 'forbidden', `This client may not have the scope(s): ${refused.join(', ')}`, [
        { path: 'body.scope', message: `allowed scopes are: ${allowed.join(' ')}` },
      ]);
    }
    return {
      access_token: await this.tokens.forService(client.clientId, requested),
      token_type: 'Bearer',
      expires_in: this.tokens.ttlSeconds,
      scope: requested.join(' '),
    };
  }
}
