import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  PHONE_CODE_MAX_ATTEMPTS,
  PHONE_CODE_RESEND_SECONDS,
  PHONE_CODE_TTL_SECONDS,
  PHONE_CODE_WINDOW_SECONDS,
  PHONE_CODES_PER_WINDOW,
  type PhoneVerificationStarted,
} from '@voice/contracts/persistence';
import { ApiError } from '@voice/server-kit';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull, LessThan, MoreThan, Not, type EntityManager } from 'typeorm';
import { isPostgres } from '../database/data-source';
import { SerialQueue } from '../conversations/serial-queue';
import { UserEntity } from '../auth/entities/user.entity';
import { codeMatches, hashCode, newCode } from './code-hash';
import { PhoneVerificationEntity } from './entities/phone-verification.entity';
import { VerifiedPhoneEntity } from './entities/verified-phone.entity';
import { claimEarlierConversations } from './phone-links';
import { SMS_SENDER, type SmsSender } from './sms-sender';

const codeProblem = (message: string) => new ApiError(400, 'validation_failed', `Invalid request: body.code ${message}`, [{ path: 'body.code', message }]);
const secondsUntil = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

/**
 * Verifies the number on a user's profile with a code sent by SMS. Codes live PHONE_CODE_TTL_SECONDS,
 * allow PHONE_CODE_MAX_ATTEMPTS tries, and a newer code replaces the older one. Sends are limited per
 * user (a cool-down, and a count per window) and per number (so nobody can flood someone else's phone).
 */
@Injectable()
export class PhoneVerificationService {
  private readonly logger = new Logger(PhoneVerificationService.name);
  private readonly sqliteReservations = new SerialQueue();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SMS_SENDER) private readonly sms: SmsSender,
  ) {}

  async start(userId: string, phone: string, now = new Date()): Promise<PhoneVerificationStarted> {
    const verified = await this.db.manager.findOneBy(VerifiedPhoneEntity, { phone });
    if (verified?.userId === userId) throw ApiError.conflict('This number is already verified on your profile');
    const id = randomUUID();
    const code = newCode();
    const expiresAt = new Date(now.getTime() + PHONE_CODE_TTL_SECONDS * 1000);
    // The code is reserved before it is sent, so two requests at once cannot both pass the limits.
    await this.reserve(userId, async (tx) => {
      await this.checkLimits(tx, userId, phone, now);
      // Codes older than the limits' window count for nothing any more (and expired long ago).
      await tx.delete(PhoneVerificationEntity, { userId, sentAt: LessThan(new Date(now.getTime() - PHONE_CODE_WINDOW_SECONDS * 1000)) });
      await tx.insert(PhoneVerificationEntity, { id, userId, phone, codeHash: hashCode(id, code), sentAt: now, expiresAt, attempts: 0, closedAt: null });
    });
    try {
      await this.sms.send(phone, `${code} is your verification code. It expires in ${PHONE_CODE_TTL_SECONDS / 60} minutes. Do not share it.`);
    } catch (err) {
      // Not sent: the reservation goes, so it neither counts nor starts the cool-down, and the previous code still works.
      await this.db.manager.delete(PhoneVerificationEntity, { id });
      throw err;
    }
    await this.db.manager.update(PhoneVerificationEntity, { userId, closedAt: IsNull(), id: Not(id) }, { closedAt: now });
    return {
      phone,
      expiresAt: expiresAt.toISOString(),
      resendAfter: new Date(now.getTime() + PHONE_CODE_RESEND_SECONDS * 1000).toISOString(),
    };
  }

  /**
   * Runs `work` in a transaction that no other send for this user runs alongside: PostgreSQL locks the
   * user's row; SQLite (one connection, where transactions would nest) takes turns in this process.
   */
  private reserve(userId: string, work: (tx: EntityManager) => Promise<void>): Promise<void> {
    const run = () =>
      this.db.transaction(async (tx) => {
        if (isPostgres(this.db)) await tx.createQueryBuilder(UserEntity, 'u').setLock('pessimistic_write').where('u.id = :userId', { userId }).getOne();
        await work(tx);
      });
    return isPostgres(this.db) ? run() : this.sqliteReservations.run(run);
  }

  private async checkLimits(tx: EntityManager, userId: string, phone: string, now: Date) {
    const repo = tx.getRepository(PhoneVerificationEntity);
    const last = await repo.findOne({ where: { userId }, order: { sentAt: 'DESC' } });
    const resendAt = last && new Date(last.sentAt.getTime() + PHONE_CODE_RESEND_SECONDS * 1000);
    if (resendAt && resendAt > now) {
      const wait = secondsUntil(resendAt, now);
      throw ApiError.tooManyRequests(`A code was just sent: wait ${wait} s before asking for another`, wait);
    }
    const windowStart = new Date(now.getTime() - PHONE_CODE_WINDOW_SECONDS * 1000);
    for (const [where, who] of [
      [{ userId }, 'for your account'],
      [{ phone }, 'to this number'],
    ] as const) {
      const recent = await repo.find({ where: { ...where, sentAt: MoreThan(windowStart) }, order: { sentAt: 'ASC' }, take: PHONE_CODES_PER_WINDOW });
      if (recent.length < PHONE_CODES_PER_WINDOW) continue;
      const wait = secondsUntil(new Date(recent[0].sentAt.getTime() + PHONE_CODE_WINDOW_SECONDS * 1000), now);
      throw ApiError.tooManyRequests(`Too many codes sent ${who}: try again in ${Math.ceil(wait / 60)} min`, wait);
    }
  }

  /**
   * Checks the code; when it is right, the number becomes this user's verified number (taken from
   * whoever held it), the profile's phone, and the owner of the earlier conversations nobody owns.
   */
  async confirm(userId: string, phone: string, code: string, now = new Date()): Promise<void> {
    const repo = this.db.getRepository(PhoneVerificationEntity);
    const pending = await repo.findOne({ where: { userId, phone, closedAt: IsNull() }, order: { sentAt: 'DESC' } });
    if (!pending) {
      throw new ApiError(400, 'validation_failed', 'Invalid request: no code is waiting for this number: send a code to it first', [
        { path: 'body.phone', message: 'has no code waiting: send a code to it first' },
      ]);
    }
    if (pending.expiresAt <= now) throw codeProblem('has expired: ask for a new code');
    // The try is counted before the code is compared, so concurrent guesses cannot exceed the limit.
    const counted = await this.db
      .createQueryBuilder()
      .update(PhoneVerificationEntity)
      .set({ attempts: () => 'attempts + 1' })
      .where('id = :id AND attempts < :max AND closed_at IS NULL', { id: pending.id, max: PHONE_CODE_MAX_ATTEMPTS })
      .execute();
    if (!counted.affected) throw codeProblem('was tried too many times: ask for a new code');
    if (!codeMatches(pending.id, code, pending.codeHash)) {
      const left = PHONE_CODE_MAX_ATTEMPTS - pending.attempts - 1;
      throw codeProblem(left > 0 ? `is wrong: ${left} ${left === 1 ? 'try' : 'tries'} left` : 'is wrong, and that was the last try: ask for a new code');
    }
    const claimed = await this.db.transaction(async (tx) => {
      const closed = await tx.update(PhoneVerificationEntity, { id: pending.id, closedAt: IsNull() }, { closedAt: now });
      if (!closed.affected) throw codeProblem('was already used: ask for a new code');
      const previous = await tx.findOneBy(VerifiedPhoneEntity, { phone });
      if (previous && previous.userId !== userId) this.logger.log(`a verified phone number moved to user ${userId} from user ${previous.userId}`);
      await tx.delete(VerifiedPhoneEntity, { phone });
      await tx.delete(VerifiedPhoneEntity, { userId });
      await tx.insert(VerifiedPhoneEntity, { phone, userId, verifiedAt: now });
      await tx.update(UserEntity, { id: userId }, { phone, updatedAt: now });
      return claimEarlierConversations(tx, phone, userId);
    });
    if (claimed) this.logger.log(`user ${userId} verified a phone number and took ${claimed} earlier conversation(s) from it`);
  }

  /** Removes the number from the profile; calls from it stop joining the user's history. */
  async remove(userId: string, now = new Date()): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(VerifiedPhoneEntity, { userId });
      await tx.update(PhoneVerificationEntity, { userId, closedAt: IsNull() }, { closedAt: now });
      await tx.update(UserEntity, { id: userId }, { phone: null, updatedAt: now });
    });
  }
}
