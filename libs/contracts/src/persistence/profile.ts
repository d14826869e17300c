import { z } from 'zod';
import { DisplayName } from './auth';
import { PhoneNumber } from './common';

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const Language = z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a language tag such as "en" or "en-US"');
/** Stored in its canonical spelling: "europe/berlin" becomes "Europe/Berlin". */
export const TimeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, 'must be an IANA time zone such as "Europe/Berlin"')
  .transform((tz) => new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone);
export const VoiceName = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be a voice name such as "en-us"');

export const Profile = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string().nullable(),
  language: z.string(),
  timezone: z.string(),
  phone: z.string().nullable(),
  /** When `phone` was verified by SMS code; null while it is unverified. */
  phoneVerifiedAt: z.string().nullable(),
  preferredVoice: z.string().nullable(),
  createdAt: z.string(),
});
export type Profile = z.infer<typeof Profile>;

export const UpdateProfileRequest = z
  .object({
    displayName: DisplayName.nullable(),
    language: Language,
    timezone: TimeZone,
    phone: PhoneNumber.nullable(),
    preferredVoice: VoiceName.nullable(),
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'send at least one field to change');
export type UpdateProfileRequest = z.infer<typeof UpdateProfileRequest>;
