import type { Appointment, Claim, Doctor, Patient, SlotsResponse } from '@voice/contracts/persistence';

/** Who is on the call: a signed-in web user, or a phone/WhatsApp caller known by number. */
export interface CallerIdentity {
  userId?: string;
  phone?: string;
  name?: string;
}

/** What the agents' tools need from the clinic; voice-api implements it over persistence-api. */
export interface ClinicPort {
  doctors(): Promise<Doctor[]>;
  /** Free slots of one doctor on one clinic-local date (YYYY-MM-DD). */
  slots(doctorId: string, date: string): Promise<SlotsResponse>;
  /** The caller's patient record, or null when the clinic doesn't know them yet. */
  patient(caller: CallerIdentity): Promise<Patient | null>;
  /** The patient's booked appointments from now on. */
  appointments(patientId: string): Promise<Appointment[]>;
  book(input: { doctorId: string; startsAt: string; reason?: string; caller: CallerIdentity }): Promise<Appointment>;
  move(appointmentId: string, startsAt: string): Promise<Appointment>;
  cancel(appointmentId: string): Promise<Appointment>;
  claims(patientId: string): Promise<Claim[]>;
}

export type ClinicErrorCode = 'conflict' | 'not_found' | 'invalid' | 'unavailable';

/** What a ClinicPort throws, so a tool can tell "slot taken" from "clinic system down". */
export class ClinicError extends Error {
  constructor(
    readonly code: ClinicErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ClinicError';
  }
}
