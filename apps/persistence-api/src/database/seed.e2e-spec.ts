import type { Appointment, Claim, Doctor, LoginRequest, Patient, Profile, SlotsResponse, TokenResponse, WeeklyShift } from '@voice/contracts/persistence';
import { createDatabase, dropDatabase } from '@voice/testing';
import { serviceToken, startTestApp, testDb, type TestApp } from '../../test/test-app';
import { UserEntity } from '../auth/entities/user.entity';
import { ClaimEntity } from '../clinic/entities/claim.entity';
import { DoctorEntity } from '../clinic/entities/doctor.entity';
import { PatientEntity } from '../clinic/entities/patient.entity';
import { WeeklyShiftEntity } from '../clinic/entities/weekly-shift.entity';
import { createDataSource } from './data-source';
import type { DataSource } from 'typeorm';
import { DEMO_USER, seed } from './seed';

const TZ = 'America/Los_Angeles';
// Thursday 2030-01-03 19:00 in Los Angeles, already Friday in UTC.
const TODAY = new Date('2030-01-04T03:00:00Z');

/** seed() refuses a database that has doctors, so it gets a database of its own on either engine. */
async function freshApp(): Promise<{ t: TestApp; dispose(): Promise<void> }> {
  if (testDb() === 'sqlite') {
    const t = await startTestApp({ CLINIC_TIMEZONE: TZ });
    return { t, dispose: () => t.close() };
  }
  const adminUrl = process.env.PERSISTENCE_TEST_PG_ADMIN_URL as string;
  const url = await createDatabase(adminUrl, 'persistence_seed');
  const migrator = createDataSource({ DATABASE_URL: url, DB_POOL_MAX: 1, DATA_DIR: 'unused' });
  await migrator.initialize();
  await migrator.runMigrations();
  await migrator.destroy();
  const t = await startTestApp({ CLINIC_TIMEZONE: TZ, DATABASE_URL: url, DB_POOL_MAX: '3' });
  return {
    t,
    dispose: async () => {
      await t.close();
      await dropDatabase(adminUrl, url);
    },
  };
}

/** How many rows the seed may write, per table. */
const rowCounts = async (db: DataSource) => ({
  users: await db.getRepository(UserEntity).count(),
  doctors: await db.getRepository(DoctorEntity).count(),
  weeklyShifts: await db.getRepository(WeeklyShiftEntity).count(),
  patients: await db.getRepository(PatientEntity).count(),
  claims: await db.getRepository(ClaimEntity).count(),
});

describe('demo seed', () => {
  let t: TestApp;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ t, dispose } = await freshApp());
  });
  afterAll(() => dispose());

  const counts = () => rowCounts(t.db);

  it('loads the demo clinic once, and reports false the second time without adding anything', async () => {
    expect(await counts()).toEqual({ users: 0, doctors: 0, weeklyShifts: 0, patients: 0, claims: 0 });
    expect(await seed(t.db, TZ, TODAY)).toBe(true);
    // Four doctors, each with a weekly shift from Monday to Friday.
    const loaded = await counts();
    expect(loaded).toEqual({ users: 1, doctors: 4, weeklyShifts: 20, patients: 4, claims: 5 });

    expect(await seed(t.db, TZ, TODAY)).toBe(false);
    expect(await seed(t.db, TZ, new Date())).toBe(false);
    expect(await counts()).toEqual(loaded);
  });

  it('gives every doctor weekly shifts from Monday to Friday at their wall-clock hours, so the schedule never runs out', async () => {
    const service = await serviceToken(t, 'clinic:read');
    const alice = await t.db.getRepository(DoctorEntity).findOneByOrFail({ name: 'Dr. Alice Smith' });
    const weekly = (await t.http.get(`/v1/clinic/doctors/${alice.id}/weekly-shifts`).set(service).expect(200)).body as WeeklyShift[];
    expect(weekly.map((w) => [w.weekday, w.startTime, w.endTime, w.validFrom, w.validUntil])).toEqual(
      ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((day) => [day, '09:00', '17:00', null, null]),
    );

    const slots = async (date: string) =>
      ((await t.http.get(`/v1/clinic/doctors/${alice.id}/slots`).query({ date }).set(service).expect(200)).body as SlotsResponse).slots;
    // A year after the seed ran: a Friday in winter time, one in summer time, and a Saturday.
    const friday = await slots('2031-01-03');
    expect([friday[0], friday.length]).toEqual([{ startsAt: '2031-01-03T17:00:00.000Z', endsAt: '2031-01-03T17:30:00.000Z', localTime: '09:00' }, 16]);
    expect((await slots('2031-07-11'))[0]).toEqual({ startsAt: '2031-07-11T16:00:00.000Z', endsAt: '2031-07-11T16:30:00.000Z', localTime: '09:00' });
    expect(await slots('2031-07-12')).toEqual([]);
  });

  it('lets the demo user sign in and use the seeded clinic', async () => {
    const login = await t.http
      .post('/v1/auth/login')
      .send({ email: DEMO_USER.email, password: DEMO_USER.password } satisfies LoginRequest)
      .expect(200);
    const auth = { Authorization: `Bearer ${(login.body as TokenResponse).accessToken}` };
    const me = (await t.http.get('/v1/me').set(auth).expect(200)).body as Profile;
    expect(me).toMatchObject({ email: 'demo@example.com', displayName: 'Demo User', timezone: TZ });

    const doctors = (await t.http.get('/v1/clinic/doctors').set(auth).expect(200)).body as Doctor[];
    expect(doctors.map((d) => d.name)).toEqual(['Dr. Alice Smith', 'Dr. Brian Jones', 'Dr. Carmen Lopez', 'Dr. David Brown']);

    // The demo user's seeded patient record (with its balance) is the one their bookings use.
    const service = await serviceToken(t, 'clinic:read');
    const patients = (await t.http.get('/v1/clinic/patients').query({ userId: me.id }).set(service).expect(200)).body as Patient[];
    expect(patients).toEqual([{ id: expect.any(String), name: 'Demo User', phone: null, userId: me.id, balanceCents: 2500 }]);

    const brian = doctors[1];
    const slots = (await t.http.get(`/v1/clinic/doctors/${brian.id}/slots`).query({ date: '2030-01-07' }).set(auth).expect(200)).body as SlotsResponse;
    expect(slots.slots.map((s) => s.localTime)).toEqual(['08:00', '08:30', '09:00', '09:30', '10:00', '10:30', '11:00', '11:30']);
    const booked = await t.http.post('/v1/clinic/appointments').set(auth).send({ doctorId: brian.id, startsAt: slots.slots[0].startsAt }).expect(201);
    expect((booked.body as Appointment).patientId).toBe(patients[0].id);
  });

  it('gives the demo patient and the seeded callers claims in every status, dated back from today', async () => {
    const patients = await t.db.getRepository(PatientEntity).find();
    const claims = await t.db.getRepository(ClaimEntity).find({ order: { reference: 'ASC' } });
    const owner = (c: ClaimEntity) => patients.find((p) => p.id === c.patientId)?.name;
    expect(claims.map((c) => [c.reference, owner(c), c.status])).toEqual([
      ['CLM-1031', 'John Carter', 'paid'],
      ['CLM-1042', 'Demo User', 'approved'],
      ['CLM-1057', 'Demo User', 'processing'],
      ['CLM-1063', 'John Carter', 'denied'],
      ['CLM-1066', 'Wei Chen', 'submitted'],
    ]);
    for (const c of claims) {
      expect(c.submittedAt.getTime()).toBeLessThan(TODAY.getTime());
      expect(c.updatedAt.getTime()).toBeGreaterThanOrEqual(c.submittedAt.getTime());
      expect(c.amountCents).toBeGreaterThan(0);
    }
  });

  it("lets the demo user read their own claims, newest first, and no one else's", async () => {
    const login = await t.http
      .post('/v1/auth/login')
      .send({ email: DEMO_USER.email, password: DEMO_USER.password } satisfies LoginRequest)
      .expect(200);
    const auth = { Authorization: `Bearer ${(login.body as TokenResponse).accessToken}` };
    const me = (await t.http.get('/v1/me').set(auth).expect(200)).body as Profile;
    const service = await serviceToken(t, 'clinic:read');
    const [mine] = (await t.http.get('/v1/clinic/patients').query({ userId: me.id }).set(service).expect(200)).body as Patient[];

    const claims = (await t.http.get(`/v1/clinic/patients/${mine.id}/claims`).set(auth).expect(200)).body as Claim[];
    expect(claims).toEqual([
      {
        id: expect.any(String),
        patientId: mine.id,
        reference: 'CLM-1057',
        status: 'processing',
        amountCents: 8500,
        submittedAt: new Date(TODAY.getTime() - 5 * 86_400_000).toISOString(),
        updatedAt: new Date(TODAY.getTime() - 2 * 86_400_000).toISOString(),
      },
      expect.objectContaining({ reference: 'CLM-1042', status: 'approved', patientId: mine.id }),
    ] satisfies Claim[]);

    const [john] = (await t.http.get('/v1/clinic/patients').query({ phone: '+14155550101' }).set(service).expect(200)).body as Patient[];
    await t.http.get(`/v1/clinic/patients/${john.id}/claims`).set(auth).expect(404);
    const johns = (await t.http.get(`/v1/clinic/patients/${john.id}/claims`).set(service).expect(200)).body as Claim[];
    expect(johns.map((c) => c.reference)).toEqual(['CLM-1063', 'CLM-1031']);
  });

  it('refuses the demo password when it is wrong', async () => {
    await t.http
      .post('/v1/auth/login')
      .send({ email: DEMO_USER.email, password: 'demo-password-2' } satisfies LoginRequest)
      .expect(401);
  });
});

describe('clinic-only seed (seed --clinic-only, the one production allows)', () => {
  let t: TestApp;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ t, dispose } = await freshApp());
  });
  afterAll(() => dispose());

  const counts = () => rowCounts(t.db);

  it('loads the doctors and their shifts, no account, patient or claim, and only once', async () => {
    expect(await seed(t.db, TZ, TODAY, { demo: false })).toBe(true);
    const clinic = await counts();
    expect(clinic).toEqual({ users: 0, doctors: 4, weeklyShifts: expect.any(Number), patients: 0, claims: 0 });
    expect(clinic.weeklyShifts).toBeGreaterThan(0);

    expect(await seed(t.db, TZ, TODAY, { demo: false })).toBe(false);
    expect(await counts()).toEqual(clinic);
  });

  it('leaves the clinic as it is when the demo account is added later (outside production)', async () => {
    const clinic = await counts();
    expect(await seed(t.db, TZ, TODAY)).toBe(true);
    expect(await counts()).toEqual({ ...clinic, users: 1, patients: 4, claims: 5 });
    expect(await seed(t.db, TZ, TODAY)).toBe(false);
  });
});
