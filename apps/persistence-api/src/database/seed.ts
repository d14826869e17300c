import type { Claim } from '@voice/contracts/persistence';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { UserEntity } from '../auth/entities/user.entity';
import { hashSecret } from '../auth/passwords';
import { ClaimEntity } from '../clinic/entities/claim.entity';
import { DoctorEntity } from '../clinic/entities/doctor.entity';
import { PatientEntity } from '../clinic/entities/patient.entity';
import { WeeklyShiftEntity } from '../clinic/entities/weekly-shift.entity';

export const DEMO_USER = { email: 'demo@example.com', password: 'demo-password-1', displayName: 'Demo User' };

/** ISO weekdays: the demo doctors work Monday to Friday, every week. */
const [MONDAY, FRIDAY] = [1, 5];

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
 * Loads what is missing of the demo clinic, in one transaction: the clinic (doctors with weekly
 * shifts from Monday to Friday, in the clinic's time zone, for as long as the clinic runs) when it
 * has no doctors yet, and with `demo` the demo login (whose patient record has claims) and a few
 * patients with insurance claims in every status, when the demo login does not exist yet. Returns
 * false when there was nothing to load.
 */
export async function seed(db: DataSource, timezone: string, today = new Date(), { demo = true }: SeedOptions = {}): Promise<boolean> {
  const clinic = (await db.getRepository(DoctorEntity).count()) === 0;
  const demoAccount = demo && !(await db.getRepository(UserEntity).existsBy({ email: DEMO_USER.email }));
  if (!clinic && !demoAccount) return false;
  const passwordHash = demoAccount ? await hashSecret(DEMO_USER.password) : '';
  await db.transaction(async (tx) => {
    if (demoAccount) await insertDemoAccount(tx, passwordHash, timezone, today);
    if (!clinic) return;
    const now = new Date();
    for (const d of DOCTORS) {
      const doctorId = randomUUID();
      await tx.insert(DoctorEntity, { id: doctorId, name: d.name, specialty: d.specialty });
      for (let weekday = MONDAY; weekday <= FRIDAY; weekday++) {
        await tx.insert(WeeklyShiftEntity, {
          id: randomUUID(),
          doctorId,
          weekday,
          startTime: d.hours[0],
          endTime: d.hours[1],
          validFrom: null,
          validUntil: null,
          createdAt: now,
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
