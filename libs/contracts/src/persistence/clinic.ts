import { z } from 'zod';
import { Id, IsoDate, IsoDateTime, PhoneNumber } from './common';

export const Doctor = z.object({ id: z.uuid(), name: z.string(), specialty: z.string() });
export type Doctor = z.infer<typeof Doctor>;

export const Slot = z.object({
  startsAt: z.string(),
  endsAt: z.string(),
  /** Wall-clock start in the clinic's time zone, e.g. "09:30". */
  localTime: z.string(),
});
export type Slot = z.infer<typeof Slot>;

export const SlotsQuery = z.object({ date: IsoDate }).strict();
export type SlotsQuery = z.infer<typeof SlotsQuery>;

export const SlotsResponse = z.object({
  doctorId: z.uuid(),
  date: z.string(),
  timezone: z.string(),
  slots: z.array(Slot),
});
export type SlotsResponse = z.infer<typeof SlotsResponse>;

export const Patient = z.object({
  id: z.uuid(),
  name: z.string(),
  phone: z.string().nullable(),
  userId: z.uuid().nullable(),
  balanceCents: z.number().int(),
});
export type Patient = z.infer<typeof Patient>;

export const PatientsQuery = z.object({ phone: PhoneNumber.optional(), userId: Id.optional() }).strict();
export type PatientsQuery = z.infer<typeof PatientsQuery>;

export const AppointmentStatus = z.enum(['booked', 'cancelled']);

export const Appointment = z.object({
  id: z.uuid(),
  doctorId: z.uuid(),
  patientId: z.uuid(),
  startsAt: z.string(),
  endsAt: z.string(),
  status: AppointmentStatus,
  reason: z.string().nullable(),
});
export type Appointment = z.infer<typeof Appointment>;

/**
 * A user books for themselves; a service client names the patient, either by id or by the
 * caller's details (matched on phone number, created when new).
 */
export const BookAppointmentRequest = z
  .object({
    doctorId: Id,
    startsAt: IsoDateTime,
    reason: z.string().trim().max(500).optional(),
    patientId: Id.optional(),
    patient: z
      .object({ name: z.string().trim().min(1).max(100), phone: PhoneNumber })
      .strict()
      .optional(),
    /** Service clients booking for a signed-in user: that user's own patient record (created on first use). */
    userId: Id.optional(),
  })
  .strict()
  .refine((v) => [v.patientId, v.patient, v.userId].filter(Boolean).length <= 1, {
    message: 'give at most one of patientId, patient and userId',
    path: ['patient'],
  });
export type BookAppointmentRequest = z.infer<typeof BookAppointmentRequest>;

export const MoveAppointmentRequest = z.object({ startsAt: IsoDateTime }).strict();
export type MoveAppointmentRequest = z.infer<typeof MoveAppointmentRequest>;

export const AppointmentsQuery = z.object({ patientId: Id.optional(), doctorId: Id.optional(), from: IsoDateTime.optional() }).strict();
export type AppointmentsQuery = z.infer<typeof AppointmentsQuery>;

export const ClaimStatus = z.enum(['submitted', 'processing', 'approved', 'denied', 'paid']);
export type ClaimStatus = z.infer<typeof ClaimStatus>;

/** An insurance claim for a patient's visit, as the billing agent reports it. */
export const Claim = z.object({
  id: z.uuid(),
  patientId: z.uuid(),
  /** Human-readable claim number, e.g. "CLM-1042". */
  reference: z.string(),
  status: ClaimStatus,
  amountCents: z.number().int(),
  submittedAt: z.string(),
  updatedAt: z.string(),
});
export type Claim = z.infer<typeof Claim>;
