import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { PHONE_CODE_LENGTH } from '@voice/contracts/persistence';

/** A fresh code of PHONE_CODE_LENGTH digits, leading zeros included. */
export const newCode = () => String(randomInt(0, 10 ** PHONE_CODE_LENGTH)).padStart(PHONE_CODE_LENGTH, '0');

/** The stored form of a code: salted with its verification's id, so equal codes hash differently. */
export const hashCode = (verificationId: string, code: string) => createHash('sha256').update(`${verificationId}:${code}`).digest('hex');

export const codeMatches = (verificationId: string, code: string, storedHash: string) =>
  timingSafeEqual(Buffer.from(hashCode(verificationId, code), 'hex'), Buffer.from(storedHash, 'hex'));
