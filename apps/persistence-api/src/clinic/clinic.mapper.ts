import type { Appointment, Claim, Doctor, OneOffShift, Patient, TimeOff, WeeklyShift } from '@voice/contracts/persistence';
import type { AppointmentEntity } from './entities/appointment.entity';
import type { ClaimEntity } from './entities/claim.entity';
import type { DoctorEntity } from './entities/doctor.entity';
import type { PatientEntity } from './entities/patient.entity';
import type { ShiftEntity } from './entities/shift.entity';
import type { TimeOffEntity } from './entities/time-off.entity';
import type { WeeklyShiftEntity } from './entities/weekly-shift.entity';
import { weekdayName } from './weekly-schedule';
import { addDays, localTime, zonedDate } from './zoned-time';

export const toDoctor = (d: DoctorEntity): Doctor => ({ id: d.id, name: d.name, specialty: d.specialty });

export const toPatient = (p: PatientEntity): Patient => ({
  id: p.id,
  name: p.name,
  phone: p.phone,
  userId: p.userId,
  balanceCents: p.balanceCents,
});

export const toAppointment = (a: AppointmentEntity): Appointment => ({
  id: a.id,
  doctorId: a.doctorId,
  patientId: a.patientId,
  startsAt: a.startsAt.toISOString(),
  endsAt: a.endsAt.toISOString(),
  status: a.status as Appointment['status'],
  reason: a.reason,
});

export const toClaim = (c: ClaimEntity): Claim => ({
  id: c.id,
  patientId: c.patientId,
  reference: c.reference,
  status: c.status as Claim['status'],
  amountCents: c.amountCents,
  submittedAt: c.submittedAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});

export const toWeeklyShift = (w: WeeklyShiftEntity): WeeklyShift => ({
  id: w.id,
  doctorId: w.doctorId,
  weekday: weekdayName(w.weekday),
  startTime: w.startTime,
  endTime: w.endTime,
  validFrom: w.validFrom,
  validUntil: w.validUntil,
});

export const toTimeOff = (o: TimeOffEntity): TimeOff => ({ id: o.id, doctorId: o.doctorId, from: o.fromDate, until: o.untilDate, reason: o.reason });

/** In the clinic's calendar; a shift that ends at the next midnight ends at "24:00". */
export function toOneOffShift(s: ShiftEntity, tz: string): OneOffShift {
  const date = zonedDate(s.startsAt, tz);
  const endTime = localTime(s.endsAt, tz);
  return {
    id: s.id,
    doctorId: s.doctorId,
    date,
    startTime: localTime(s.startsAt, tz),
    endTime: endTime === '00:00' && zonedDate(s.endsAt, tz) === addDays(date, 1) ? '24:00' : endTime,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
  };
}
