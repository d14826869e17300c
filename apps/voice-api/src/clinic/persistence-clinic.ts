import { ClinicError, type CallerIdentity, type ClinicErrorCode, type ClinicPort } from '@voice/clinic/agents';
import { Appointment, Claim, Doctor, Patient, SlotsResponse, type BookAppointmentRequest, type MoveAppointmentRequest } from '@voice/contracts/persistence';
import { z } from 'zod';
import type { PersistenceClient } from '../persistence/persistence-client';
import { PersistenceError } from '../persistence/persistence-error';

const CODE_BY_STATUS: Record<number, ClinicErrorCode> = { 400: 'invalid', 404: 'not_found', 409: 'conflict' };

/** Turns a failed call into what the agents' tools understand; anything unexpected is 'unavailable'. */
function toClinicError(err: unknown): ClinicError {
  if (err instanceof ClinicError) return err;
  if (err instanceof PersistenceError) {
    const code = (err.kind === 'status' && err.status !== undefined && CODE_BY_STATUS[err.status]) || 'unavailable';
    return new ClinicError(code, err.message);
  }
  return new ClinicError('unavailable', `clinic request failed: ${err instanceof Error ? err.message : String(err)}`);
}

const id = (value: string) => encodeURIComponent(value);

/** The clinic as the agents see it, served by persistence-api with voice-api's service credential. */
export class PersistenceClinic implements ClinicPort {
  constructor(
    private readonly client: PersistenceClient,
    private readonly now: () => number = Date.now,
  ) {}

  private async call<S extends z.ZodType>(
    method: string,
    path: string,
    options: { schema: S; body?: unknown; query?: Record<string, string | undefined>; idempotent?: boolean },
  ): Promise<z.output<S>> {
    try {
      return await this.client.request(method, path, options);
    } catch (err) {
      throw toClinicError(err);
    }
  }

  doctors(): Promise<Doctor[]> {
    return this.call('GET', '/v1/clinic/doctors', { schema: z.array(Doctor) });
  }

  slots(doctorId: string, date: string): Promise<SlotsResponse> {
    return this.call('GET', `/v1/clinic/doctors/${id(doctorId)}/slots`, { schema: SlotsResponse, query: { date } });
  }

  async patient(caller: CallerIdentity): Promise<Patient | null> {
    const query = caller.userId ? { userId: caller.userId } : caller.phone ? { phone: caller.phone } : undefined;
    if (!query) return null;
    const found = await this.call('GET', '/v1/clinic/patients', { schema: z.array(Patient), query });
    return found[0] ?? null;
  }

  appointments(patientId: string): Promise<Appointment[]> {
    return this.call('GET', '/v1/clinic/appointments', {
      schema: z.array(Appointment),
      query: { patientId, from: new Date(this.now()).toISOString() },
    });
  }

  async book(input: { doctorId: string; startsAt: string; reason?: string; caller: CallerIdentity }): Promise<Appointment> {
    let { caller } = input;
    // A phone caller who has not given a name, but is a patient already (known by number), books as that patient.
    if (!caller.userId && caller.phone && !caller.name) caller = { ...caller, name: (await this.patient(caller))?.name };
    const base = { doctorId: input.doctorId, startsAt: input.startsAt, ...(input.reason ? { reason: input.reason } : {}) };
    let body: BookAppointmentRequest;
    if (caller.userId) body = { ...base, userId: caller.userId };
    else if (caller.phone && caller.name) body = { ...base, patient: { name: caller.name, phone: caller.phone } };
    else if (caller.phone) return Promise.reject(new ClinicError('invalid', 'the caller must give their name before booking'));
    else return Promise.reject(new ClinicError('invalid', 'the caller is neither signed in nor known by phone number, so cannot book'));
    return this.call('POST', '/v1/clinic/appointments', { schema: Appointment, body });
  }

  move(appointmentId: string, startsAt: string): Promise<Appointment> {
    const body = { startsAt } satisfies MoveAppointmentRequest;
    return this.call('PATCH', `/v1/clinic/appointments/${id(appointmentId)}`, { schema: Appointment, body, idempotent: true });
  }

  cancel(appointmentId: string): Promise<Appointment> {
    return this.call('POST', `/v1/clinic/appointments/${id(appointmentId)}/cancel`, { schema: Appointment, idempotent: true });
  }

  claims(patientId: string): Promise<Claim[]> {
    return this.call('GET', `/v1/clinic/patients/${id(patientId)}/claims`, { schema: z.array(Claim) });
  }
}
