import { ClinicError } from '@voice/clinic/agents';
import { randomUUID } from 'node:crypto';
import { freePort } from '@voice/testing';
import { TEST_SERVICE_SECRET } from '../../test/persistence-process';
import { persistenceUrl, registerUser } from '../../test/users';
import { PersistenceClient } from '../persistence/persistence-client';
import { PersistenceClinic } from './persistence-clinic';

const clientFor = (baseUrl: string, timeoutMs = 3_000) =>
  new PersistenceClient({ baseUrl, clientId: 'voice-api', clientSecret: TEST_SERVICE_SECRET, timeoutMs });

/** The error a clinic call failed with. */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the clinic call to fail');
    },
    (err: unknown) => err as ClinicError,
  );

/** A phone number no other test uses. */
const uniquePhone = () => `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

/** The next weekday after today (UTC, the test clinic's zone): the seed gives every doctor a shift then. */
function nextWeekday(): string {
  const day = new Date();
  do day.setUTCDate(day.getUTCDate() + 1);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6);
  return day.toISOString().slice(0, 10);
}

describe('ClinicPort over persistence-api (real persistence-api, seeded clinic)', () => {
  const clinic = new PersistenceClinic(clientFor(persistenceUrl()));
  const date = nextWeekday();

  async function doctorAndSlots(name: string) {
    const doctor = (await clinic.doctors()).find((d) => d.name === name);
    if (!doctor) throw new Error(`seeded doctor ${name} missing`);
    return { doctor, slots: (await clinic.slots(doctor.id, date)).slots };
  }

  it('lists the seeded doctors and their free slots on a weekday', async () => {
    const doctors = await clinic.doctors();
    expect(doctors.map((d) => d.name).sort()).toEqual(['Dr. Alice Smith', 'Dr. Brian Jones', 'Dr. Carmen Lopez', 'Dr. David Brown']);
    const { doctor, slots } = await doctorAndSlots('Dr. Brian Jones');
    const answer = await clinic.slots(doctor.id, date);
    expect(answer).toMatchObject({ doctorId: doctor.id, date, timezone: 'UTC' });
    expect(slots[0]).toMatchObject({ localTime: '08:00', startsAt: `${date}T08:00:00.000Z` });
  });

  it('finds a phone caller by number, and nobody for an unknown number or an anonymous caller', async () => {
    expect(await clinic.patient({ phone: '+14155550101' })).toMatchObject({ name: 'John Carter', phone: '+14155550101', userId: null });
    expect(await clinic.patient({ phone: uniquePhone() })).toBeNull();
    expect(await clinic.patient({})).toBeNull();
  });

  it('books a new phone caller (creating their patient record), lists, moves and cancels the appointment', async () => {
    const { doctor, slots } = await doctorAndSlots('Dr. Alice Smith');
    const caller = { phone: uniquePhone(), name: 'Test Caller' };
    const booked = await clinic.book({ doctorId: doctor.id, startsAt: slots[0].startsAt, reason: 'check-up', caller });
    expect(booked).toMatchObject({ doctorId: doctor.id, startsAt: slots[0].startsAt, status: 'booked', reason: 'check-up' });
    const patient = await clinic.patient(caller);
    expect(patient).toMatchObject({ id: booked.patientId, name: 'Test Caller', phone: caller.phone });

    expect((await clinic.appointments(booked.patientId)).map((a) => a.id)).toEqual([booked.id]);
    const moved = await clinic.move(booked.id, slots[1].startsAt);
    expect(moved).toMatchObject({ id: booked.id, startsAt: slots[1].startsAt, status: 'booked' });
    expect(await clinic.cancel(booked.id)).toMatchObject({ id: booked.id, status: 'cancelled' });
  });

  it("maps 409 to 'conflict': a slot booked twice", async () => {
    const { doctor, slots } = await doctorAndSlots('Dr. Carmen Lopez');
    await clinic.book({ doctorId: doctor.id, startsAt: slots[0].startsAt, caller: { phone: uniquePhone(), name: 'First' } });
    const error = await failure(clinic.book({ doctorId: doctor.id, startsAt: slots[0].startsAt, caller: { phone: uniquePhone(), name: 'Second' } }));
    expect(error).toBeInstanceOf(ClinicError);
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/^persistence-api answered 409 to POST \/v1\/clinic\/appointments: /);
  });

  it("maps 404 to 'not_found' and 400 to 'invalid'", async () => {
    const missing = await failure(clinic.move(randomUUID(), `${date}T10:00:00.000Z`));
    expect({ code: missing.code, message: missing.message }).toEqual({
      code: 'not_found',
      message: expect.stringMatching(/answered 404 to PATCH \/v1\/clinic\/appointments\//),
    });
    const doctor = (await clinic.doctors())[0];
    const invalid = await failure(clinic.slots(doctor.id, 'next tuesday'));
    expect({ code: invalid.code, message: invalid.message }).toEqual({ code: 'invalid', message: expect.stringMatching(/answered 400 .*query\.date/) });
  });

  it("refuses to book a phone caller who gave no name, or a caller nobody knows ('invalid', nothing sent)", async () => {
    const doctor = (await clinic.doctors())[0];
    expect((await failure(clinic.book({ doctorId: doctor.id, startsAt: `${date}T10:00:00.000Z`, caller: { phone: uniquePhone() } }))).code).toBe('invalid');
    expect((await failure(clinic.book({ doctorId: doctor.id, startsAt: `${date}T10:00:00.000Z`, caller: {} }))).code).toBe('invalid');
  });

  it("maps an unreachable persistence-api to 'unavailable' with a message fit for a log", async () => {
    const down = new PersistenceClinic(clientFor(`http://127.0.0.1:${await freePort()}`));
    const error = await failure(down.doctors());
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/^persistence-api is unreachable at http:\/\/127\.0\.0\.1:\d+ \(POST \/v1\/auth\/token\): ECONNREFUSED$/);
  });

  it('books for a signed-in web caller by user id (their own patient record, created on first use)', async () => {
    const user = await registerUser();
    const { doctor, slots } = await doctorAndSlots('Dr. David Brown');
    const booked = await clinic.book({ doctorId: doctor.id, startsAt: slots[0].startsAt, caller: { userId: user.userId } });
    expect(await clinic.patient({ userId: user.userId })).toMatchObject({ id: booked.patientId, userId: user.userId });
    expect((await clinic.appointments(booked.patientId)).map((a) => a.id)).toEqual([booked.id]);
  });

  it("reads a patient's insurance claims, and maps an unknown patient to 'not_found'", async () => {
    const patient = await clinic.patient({ phone: '+14155550101' });
    if (!patient) throw new Error('seeded patient John Carter missing');
    const claims = await clinic.claims(patient.id);
    expect(Array.isArray(claims)).toBe(true);
    for (const claim of claims) expect(claim.patientId).toBe(patient.id);
    expect((await failure(clinic.claims(randomUUID()))).code).toBe('not_found');
  });
});
