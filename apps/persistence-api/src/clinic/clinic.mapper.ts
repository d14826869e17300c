import type { Appointment, Claim, Doctor, Patient } from '@voice/contracts/persistence';
import type { AppointmentEntity } from './entities/appointment.entity';
import type { ClaimEntity } from './entities/claim.entity';
import type { DoctorEntity } from './entities/doctor.entity';
import type { PatientEntity } from './entities/patient.entity';

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
