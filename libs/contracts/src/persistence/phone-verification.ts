import { z } from 'zod';
import { PhoneNumber } from './common';

/**
 * Verifying the phone number on one's profile. A code goes out by SMS; confirming it marks the number
 * verified for this user, which links the calls and WhatsApp threads from that number to the account.
 * A number is verified for at most one user: verifying it elsewhere moves it (the previous holder's
 * profile keeps the number, unverified, and their existing history stays theirs).
 */

/** Digits in a verification code. */
export const PHONE_CODE_LENGTH = 6;
/** How long a code can be confirmed, in seconds. */
export const PHONE_CODE_TTL_SECONDS = 600;
/** Wrong codes accepted before a code is dead and a new one must be requested. */
export const PHONE_CODE_MAX_ATTEMPTS = 5;
/** Shortest wait between two codes for the same user, in seconds. */
export const PHONE_CODE_RESEND_SECONDS = 30;
/** Codes sent per user, and per number, within PHONE_CODE_WINDOW_SECONDS. */
export const PHONE_CODES_PER_WINDOW = 5;
export const PHONE_CODE_WINDOW_SECONDS = 3600;

export const VerificationCode = z
  .string()
  .trim()
  .regex(new RegExp(`^\\d{${PHONE_CODE_LENGTH}}$`), `must be the ${PHONE_CODE_LENGTH}-digit code from the SMS`);

export const StartPhoneVerificationRequest = z.object({ phone: PhoneNumber }).strict();
export type StartPhoneVerificationRequest = z.infer<typeof StartPhoneVerificationRequest>;

export const PhoneVerificationStarted = z.object({
  phone: z.string(),
  /** When the code stops working. */
  expiresAt: z.string(),
  /** When another code may be requested. */
  resendAfter: z.string(),
});
export type PhoneVerificationStarted = z.infer<typeof PhoneVerificationStarted>;

export const ConfirmPhoneVerificationRequest = z.object({ phone: PhoneNumber, code: VerificationCode }).strict();
export type ConfirmPhoneVerificationRequest = z.infer<typeof ConfirmPhoneVerificationRequest>;

/** Path parameter of the owner lookup: the number in E.164, "+" included (or percent-encoded as %2B). */
export const PhoneOwnerParams = z.object({ phone: PhoneNumber }).strict();
export type PhoneOwnerParams = z.infer<typeof PhoneOwnerParams>;

/** The user who has verified a number: only such a user owns calls and threads from it. */
export const PhoneOwner = z.object({
  phone: z.string(),
  userId: z.uuid(),
  verifiedAt: z.string(),
});
export type PhoneOwner = z.infer<typeof PhoneOwner>;
