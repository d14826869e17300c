import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { UserEntity } from '../auth/entities/user.entity';
import { hashSecret } from '../auth/passwords';
import { DoctorEntity } from '../clinic/entities/doctor.entity';
import { PatientEntity } from '../clinic/entities/patient.entity';
import { ShiftEntity } from '../clinic/entities/shift.entity';
import { addDays, zonedDate, zonedToUtc } from '../clinic/zoned-time';

export const DEMO_USER = { email: 'demo@example.com', password: 'demo-password-1', displayName: 'Demo User' };

const DOCTORS = [
  { name: 'Dr. Alice Smith', specialty: 'General practice', hours: ['09:00', '17:00'] },
  { name: 'Dr. Brian Jones', specialty: 'Pediatrics', hours: ['08:00', '12:00'] },
  { name: 'Dr. Carmen Lopez', specialty: 'Dermatology', hours: ['13:00', '18:00'] },
  { name: 'Dr. David Brown', specialty: 'Cardiology', hours: ['10:00', '16:00'] },
];

const PATIENTS = [
  { name: 'John Carter', phone: '+14155550101', balanceCents: 4500 },
  { name: 'Maria Garcia', phone: '+14155550102', balanceCents: 0 },
  { name: 'Wei Chen', phone: '+14155550103', balanceCents: 12000 },
];

/**
 * Loads the demo clinic when the database has no doctors yet: doctors with shifts on the
 * weekdays of the clinic's next seven days, a few patients and the demo login. Returns false
 * when the data was already there.
 */
export async function seed(db: DataSource, timezone: string, today = new Date()): Promise<boolean> {
  if ((await db.getRepository(DoctorEntity).count()) > 0) return false;
  const passwordHash = await hashSecret(DEMO_USER.password);
  // The clinic's today, not UTC's: west of UTC in the evening the UTC date is already tomorrow.
  const localToday = zonedDate(today, timezone);
  await db.transaction(async (tx) => {
    const now = new Date();
    const demoUserId = randomUUID();
    await tx.insert(UserEntity, {
      id: demoUserId,
      email: DEMO_USER.email,
      passwordHash,
      displayName: DEMO_USER.displayName,
      language: 'en-US',
      timezone,
      phone: null,
      preferredVoice: null,
      createdAt: now,
      updatedAt: now,
    });
    await tx.insert(PatientEntity, { id: randomUUID(), name: DEMO_USER.displayName, phone: null, userId: demoUserId, balanceCents: 2500 });
    for (const p of PATIENTS) await tx.insert(PatientEntity, { id: randomUUID(), ...p, userId: null });
    for (const d of DOCTORS) {
      const doctorId = randomUUID();
      await tx.insert(DoctorEntity, { id: doctorId, name: d.name, specialty: d.specialty });
      for (let i = 0; i < 7; i++) {
        const date = addDays(localToday, i);
        const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
        if (weekday === 0 || weekday === 6) continue;
        await tx.insert(ShiftEntity, {
          id: randomUUID(),
          doctorId,
          startsAt: zonedToUtc(date, d.hours[0], timezone),
          endsAt: zonedToUtc(date, d.hours[1], timezone),
        });
      }
    }
  });
  return true;
}
