import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Profile, RegisterRequest, UpdateProfileRequest } from '@voice/contracts/persistence';
import { ApiError } from '@voice/server-kit';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { isUniqueViolation } from '../common/db-errors';
import { VerifiedPhoneEntity } from '../phones/entities/verified-phone.entity';
import { UserEntity } from './entities/user.entity';
import { normalizePassword, weakPasswordReason } from './password-strength';
import { burnVerification, hashSecret, verifySecret } from './passwords';

export const toProfile = (u: UserEntity, verified: VerifiedPhoneEntity | null = null): Profile => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  language: u.language,
  timezone: u.timezone,
  phone: u.phone,
  phoneVerifiedAt: verified && verified.phone === u.phone ? verified.verifiedAt.toISOString() : null,
  preferredVoice: u.preferredVoice,
  createdAt: u.createdAt.toISOString(),
});

const emailTaken = () =>
  new ApiError(409, 'conflict', 'An account with this email already exists: sign in instead, or use another email', [
    { path: 'body.email', message: 'is already registered' },
  ]);

/** How long a confirmed account is trusted without asking the database again (per process). */
const EXISTS_TTL_MS = 5_000;
const EXISTS_CACHE_MAX = 10_000;

@Injectable()
export class UsersService {
  /** Accounts recently seen to exist, with when that stops counting: every authenticated request asks. */
  private readonly confirmed = new Map<string, number>();

  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  async create(input: RegisterRequest): Promise<UserEntity> {
    const weak = weakPasswordReason(input.password, [input.email, input.displayName ?? '']);
    if (weak) throw new ApiError(400, 'validation_failed', `Invalid request: body.password ${weak}`, [{ path: 'body.password', message: weak }]);
    if (await this.users.existsBy({ email: input.email })) throw emailTaken();
    const now = new Date();
    const user = this.users.create({
      id: randomUUID(),
      email: input.email,
      passwordHash: await hashSecret(normalizePassword(input.password)),
      displayName: input.displayName ?? null,
      language: 'en-US',
      timezone: 'UTC',
      phone: null,
      preferredVoice: null,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.users.insert(user);
    } catch (err) {
      if (isUniqueViolation(err)) throw emailTaken();
      throw err;
    }
    return user;
  }

  /** The user for these credentials, or null; takes as long for unknown emails as for known ones. */
  async verifyCredentials(email: string, password: string): Promise<UserEntity | null> {
    const user = await this.users.findOneBy({ email });
    const normalized = normalizePassword(password);
    if (!user) return burnVerification(normalized).then(() => null);
    return (await verifySecret(user.passwordHash, normalized)) ? user : null;
  }

  /**
   * Whether the account exists. A "yes" is remembered for a few seconds; deleting the account in
   * this process forgets it at once, and another instance's deletion is seen within EXISTS_TTL_MS.
   */
  async exists(id: string, nowMs = Date.now()): Promise<boolean> {
    const until = this.confirmed.get(id);
    if (until !== undefined && nowMs < until) return true;
    const found = await this.users.existsBy({ id });
    this.confirmed.delete(id);
    if (found) {
      if (this.confirmed.size >= EXISTS_CACHE_MAX) this.confirmed.delete(this.confirmed.keys().next().value as string);
      this.confirmed.set(id, nowMs + EXISTS_TTL_MS);
    }
    return found;
  }

  async get(id: string): Promise<UserEntity> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw ApiError.unauthorized('This account no longer exists: sign in again');
    return user;
  }

  /** The profile, with when its phone number was verified. */
  async profile(id: string): Promise<Profile> {
    const user = await this.get(id);
    return toProfile(user, await this.users.manager.findOneBy(VerifiedPhoneEntity, { userId: id }));
  }

  /** Changing the phone number here drops its verification: the new number is unverified until confirmed by SMS. */
  async update(id: string, patch: UpdateProfileRequest): Promise<Profile> {
    const user = await this.get(id);
    const phoneChanged = patch.phone !== undefined && patch.phone !== user.phone;
    Object.assign(user, patch, { updatedAt: new Date() });
    await this.users.manager.transaction(async (tx) => {
      await tx.save(user);
      if (phoneChanged) await tx.delete(VerifiedPhoneEntity, { userId: id });
    });
    return this.profile(id);
  }

  /** Removes the account; conversations, messages, tokens and the patient record go with it (FK cascades). */
  async delete(id: string) {
    this.confirmed.delete(id);
    await this.users.delete({ id });
    this.confirmed.delete(id); // a request that confirmed the account while it was being deleted
  }
}
