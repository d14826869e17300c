import type { Claim } from '@voice/contracts/persistence';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { UserEntity } from '../auth/entities/user.entity';
import { hashSecret } from '../auth/passwords';
import { ClaimEntity } from '../clinic/entities/claim.entity';
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

type SeedClaim = { reference: string; status: Claim['status']; amountCents: number; submittedDaysAgo: number; updatedDaysAgo: number };

const DEMO_PATIENT_CLAIMS: SeedClaim[] = [
  { reference: 'CLM-1042', status: 'approved', amountCents: 12000, submittedDaysAgo: 20, updatedDaysAgo: 6 },
  { reference: 'CLM-1057', status: 'processing', amountCents: 8500, submittedDaysAgo: 5, updatedDaysAgo: 2 },
];

const PATIENTS: { name: string; phone: string; balanceCents: number; claims: SeedClaim[] }[] = [
  {
    name: 'John Carter',
    phone: '+14155550101',
    balanceCents: 4500,
    claims: [
      { reference: 'CLM-1031', status: 'paid', amountCents: 15000, submittedDaysAgo: 45, updatedDaysAgo: 30 },
      { reference: 'CLM-1063', status: 'denied', amountCents: 4500, submittedDaysAgo: 12, updatedDaysAgo: 4 },
    ],
  },
  { name: 'Maria Garcia', phone: '+14155550102', balanceCents: 0, claims: [] },
  {
    name: 'Wei Chen',
    phone: '+14155550103',
    balanceCents: 12000,
    claims: [{ reference: 'CLM-1066', status: 'submitted', amountCents: 12000, submittedDaysAgo: 1, updatedDaysAgo: 1 }],
  },
];

export interface SeedOptions {
  /** The demo login, its patient record and the other demo patients with their claims: never in production. */
  demo?: boolean;
}

/**
 * Loads what is missing of the demo clinic, in one transaction: the clinic (doctors with shifts on
 * the weekdays of the clinic's next seven days) when it has no doctors yet, and with `demo` the
 * demo login (whose patient record has claims) and a few patients with insurance claims in every
 * status, when the demo login does not exist yet. Returns false when there was nothing to load.
 */
export async function seed(db: DataSource, timezone: string, today = new Date(), { demo = true }: SeedOptions = {}): Promise<boolean> {
  const clinic = (await db.getRepository(DoctorEntity).count()) === 0;
  const demoAccount = demo && !(await db.getRepository(UserEntity).existsBy({ email: DEMO_USER.email }));
  if (!clinic && !demoAccount) return false;
  // The clinic's today, not UTC's: west of UTC in the evening the UTC date is already tomorrow.
  const localToday = zonedDate(today, timezone);
  const passwordHash = demoAccount ? await hashSecret(DEMO_USER.password) : '';
  await db.transaction(async (tx) => {
    if (demoAccount) await insertDemoAccount(tx, passwordHash, timezone, today);
    if (!clinic) return;
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

async function insertDemoAccount(tx: EntityManager, passwordHash: string, timezone: string, today: Date) {
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
  const daysAgo = (days: number) => new Date(today.getTime() - days * 86_400_000);
  const insertClaims = async (patientId: string, claims: SeedClaim[]) => {
    for (const c of claims) {
      await tx.insert(ClaimEntity, {
        id: randomUUID(),
        patientId,
        reference: c.reference,
        status: c.status,
        amountCents: c.amountCents,
        submittedAt: daysAgo(c.submittedDaysAgo),
        updatedAt: daysAgo(c.updatedDaysAgo),
      });
    }
  };
  const demoPatientId = randomUUID();
  await tx.insert(PatientEntity, { id: demoPatientId, name: DEMO_USER.displayName, phone: null, userId: demoUserId, balanceCents: 2500 });
  await insertClaims(demoPatientId, DEMO_PATIENT_CLAIMS);
  for (const { claims, ...p } of PATIENTS) {
    const patientId = randomUUID();
    await tx.insert(PatientEntity, { id: patientId, ...p, userId: null });
    await insertClaims(patientId, claims);
  }
}
