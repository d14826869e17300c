import { z } from 'zod';
import { Id, IsoDate } from './common';

/**
 * A doctor's working hours: weekly shifts that repeat for ever (or within their validity dates),
 * time off that removes whole days, and one-off shifts on a single date. Dates and clock times
 * are the clinic's own (CLINIC_TIMEZONE), so "Monday 09:00" stays 09:00 across daylight saving.
 */

export const Weekday = z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'], {
  message: 'must be a weekday in lower case, e.g. "monday"',
});
export type Weekday = z.infer<typeof Weekday>;

const CLOCK = 'must be a clock time in HH:MM form, e.g. "09:00"';
export const StartTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, CLOCK);
/** An end may be "24:00": the shift runs to midnight. */
export const EndTime = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, `${CLOCK}, or "24:00" for midnight`);

const endsAfterStart = <T extends { startTime: string; endTime: string }>(v: T) => v.endTime > v.startTime;
const END_AFTER_START = { message: 'must be later than startTime (shifts end on the day they start)', path: ['endTime'] };

export const WeeklyShiftInput = z
  .object({
    weekday: Weekday,
    startTime: StartTime,
    endTime: EndTime,
    /** First date the shift applies (inclusive); absent or null: it always has. */
    validFrom: IsoDate.nullable().default(null),
    /** Last date the shift applies (inclusive); absent or null: it never stops. */
    validUntil: IsoDate.nullable().default(null),
  })
  .strict()
  .refine(endsAfterStart, END_AFTER_START)
  .refine((v) => !v.validFrom || !v.validUntil || v.validUntil >= v.validFrom, {
    message: 'must not be before validFrom',
    path: ['validUntil'],
  });
export type WeeklyShiftInput = z.input<typeof WeeklyShiftInput>;

export const WeeklyShift = z.object({
  id: z.uuid(),
  doctorId: z.uuid(),
  weekday: Weekday,
  startTime: z.string(),
  endTime: z.string(),
  validFrom: z.string().nullable(),
  validUntil: z.string().nullable(),
});
export type WeeklyShift = z.infer<typeof WeeklyShift>;

/** Days the doctor does not work at all (holiday, sick): no slots then, from weekly or one-off shifts. */
export const TimeOffInput = z
  .object({
    from: IsoDate,
    /** Last day off (inclusive); absent: the single day `from`. */
    until: IsoDate.optional(),
    reason: z.string().trim().max(200).nullable().default(null),
  })
  .strict()
  .refine((v) => !v.until || v.until >= v.from, { message: 'must not be before from', path: ['until'] });
export type TimeOffInput = z.input<typeof TimeOffInput>;

export const TimeOff = z.object({
  id: z.uuid(),
  doctorId: z.uuid(),
  from: z.string(),
  until: z.string(),
  reason: z.string().nullable(),
});
export type TimeOff = z.infer<typeof TimeOff>;

/** An extra shift on one date, on top of (or instead of) the weekly ones. */
export const OneOffShiftInput = z.object({ date: IsoDate, startTime: StartTime, endTime: EndTime }).strict().refine(endsAfterStart, END_AFTER_START);
export type OneOffShiftInput = z.input<typeof OneOffShiftInput>;

export const OneOffShift = z.object({
  id: z.uuid(),
  doctorId: z.uuid(),
  /** The clinic date and clock times the shift starts and ends at. */
  date: z.string(),
  startTime: z.string(),
  endTime: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
});
export type OneOffShift = z.infer<typeof OneOffShift>;

/** `/doctors/:id/<schedule part>/:itemId` */
export const DoctorItemParams = z.object({ id: Id, itemId: Id }).strict();
export type DoctorItemParams = z.infer<typeof DoctorItemParams>;
