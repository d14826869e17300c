import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiError } from '@voice/server-kit';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { IsNull, Not, Repository } from 'typeorm';
import { InjectConfig, type PersistenceApiConfig } from '../config';
import { RefreshTokenEntity } from './entities/refresh-token.entity';

const hashToken = (raw: string) => createHash('sha256').update(raw).digest('hex');

/** Opaque refresh tokens: stored hashed, single use, rotated; a replayed token revokes its family. */
@Injectable()
export class RefreshTokensService {
  constructor(
    @InjectRepository(RefreshTokenEntity) private readonly tokens: Repository<RefreshTokenEntity>,
    @InjectConfig() private readonly config: PersistenceApiConfig,
  ) {}

  get ttlSeconds() {
    return this.config.REFRESH_TOKEN_TTL_DAYS * 86_400;
  }

  async issue(userId: string, familyId: string = randomUUID()): Promise<string> {
    const raw = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.tokens.insert({
      id: randomUUID(),
      userId,
      familyId,
      tokenHash: hashToken(raw),
      expiresAt: new Date(now.getTime() + this.ttlSeconds * 1000),
      usedAt: null,
      revokedAt: null,
      createdAt: now,
    });
    return raw;
  }

  /** Spends the token and returns its user and a fresh token of the same family. */
  async rotate(raw: string): Promise<{ userId: string; refreshToken: string }> {
    const token = await this.tokens.findOneBy({ tokenHash: hashToken(raw) });
    if (!token || token.revokedAt) throw ApiError.unauthorized('Refresh token is invalid or signed out: sign in again');
    if (token.expiresAt.getTime() <= Date.now()) throw ApiError.unauthorized('Refresh token has expired: sign in again');
    const spent = await this.tokens.update({ id: token.id, usedAt: IsNull(), revokedAt: IsNull() }, { usedAt: new Date() });
    if (!spent.affected) {
      await this.revokeFamily(token.familyId);
      throw ApiError.unauthorized('Refresh token was already used, so this session has been signed out everywhere for safety: sign in again');
    }
    const refreshToken = await this.issue(token.userId, token.familyId);
    // A replay racing this rotation may have revoked the family between our spend and our insert,
    // which would leave the token just issued alive: revoke again so it dies with its family.
    if (await this.tokens.existsBy({ familyId: token.familyId, revokedAt: Not(IsNull()) })) {
      await this.revokeFamily(token.familyId);
      throw ApiError.unauthorized('Refresh token is invalid or signed out: sign in again');
    }
    return { userId: token.userId, refreshToken };
  }

  /** Logout: revokes every token of the presented token's family. Unknown tokens are ignored. */
  async revokeByToken(raw: string) {
    const token = await this.tokens.findOneBy({ tokenHash: hashToken(raw) });
    if (token) await this.revokeFamily(token.familyId);
  }

  private revokeFamily(familyId: string) {
    return this.tokens.update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }
}
