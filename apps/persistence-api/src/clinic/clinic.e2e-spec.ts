import type { Appointment, BookAppointmentRequest, Claim, Doctor, MoveAppointmentRequest, Patient, Profile, SlotsResponse } from '@voice/contracts/persistence';
import { randomInt, randomUUID } from 'node:crypto';
import { expectError, expectValidation } from '@voice/testing/api-errors';
import { registerUser, serviceToken, startTestApp, type TestApp } from '../../test/test-app';
import { AppointmentEntity } from './entities/appointment.entity';
import { ClaimEntity } from './entities/claim.entity';
import { DoctorEntity } from './entities/doctor.entity';
import { PatientEntity } from './entities/patient.entity';
import { ShiftEntity } from './entities/shift.entity';

// A zone without daylight saving and with a half-hour offset, so that instants can be written by
// hand here (independently of zoned-time.ts) and a wrong zone conversion shows as a wrong slot.
const TZ = 'Asia/Kolkata';
const OFFSET = '+05:30';
const at = (date: string, time: string) => new Date(`${date}T${time}:00.000${OFFSET}`).toISOString();

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
let daysAhead = 30;
/** A clinic day at least 30 days ahead, different for every call, so no two tests share a day. */
const futureDay = () => isoDay(new Date(Date.now() + daysAhead++ * 86_400_000));
const pastDay = () => isoDay(new Date(Date.now() - 2 * 86_400_000));

// A random prefix per run and a counter: unique within this file and, in practice, across the run's database.
const phonePrefix = randomInt(10_000, 100_000);
let phoneSeq = 0;
const uniquePhone = () => `+1${phonePrefix}${String(phoneSeq++).padStart(6, '0')}`;

type Headers = Record<string, string>;
const CONFLICT = { error: expect.objectContaining({ code: 'conflict' }) };
const startsAtError = (message: string | RegExp) => ({
  error: expect.objectContaining({
    code: 'validation_failed',
    details: [{ path: 'body.startsAt', message: expect.stringMatching(message) }],
  }),
});

describe('clinic scheduling', () => {
  let t: TestApp;
  let service: Headers;

  beforeAll(async () => {
    t = await startTestApp({ CLINIC_TIMEZONE: TZ });
    // A real listening socket: concurrent supertest requests on an unbound server race on listen/close.
    await t.app.listen(0, '127.0.0.1');
    service = await serviceToken(t);
  });
  afterAll(() => t.close());

  /** A doctor of our own with the given shifts (clinic wall-clock times) on one day. */
  async function doctorWithShifts(date = futureDay(), shifts: [string, string][] = [['09:00', '12:00']]) {
    const doctorId = randomUUID();
    await t.db.getRepository(DoctorEntity).insert({ id: doctorId, name: `Dr. Test ${doctorId.slice(0, 8)}`, specialty: 'Testing' });
    for (const [from, to] of shifts) {
      await t.db.getRepository(ShiftEntity).insert({ id: randomUUID(), doctorId, startsAt: new Date(at(date, from)), endsAt: new Date(at(date, to)) });
    }
    return { doctorId, date, at: (time: string) => at(date, time) };
  }

  async function freeSlots(doctorId: string, date: string, auth: Headers = service): Promise<string[]> {
    const res = await t.http.get(`/v1/clinic/doctors/${doctorId}/slots`).query({ date }).set(auth).expect(200);
    return (res.body as SlotsResponse).slots.map((s) => s.localTime);
  }

  const book = (auth: Headers, input: BookAppointmentRequest) => t.http.post('/v1/clinic/appointments').set(auth).send(input);
  const move = (auth: Headers, id: string, startsAt: string) =>
    t.http
      .patch(`/v1/clinic/appointments/${id}`)
      .set(auth)
      .send({ startsAt } satisfies MoveAppointmentRequest);
  const cancel = (auth: Headers, id: string) => t.http.post(`/v1/clinic/appointments/${id}/cancel`).set(auth);
  const bookedRows = (doctorId: string) => t.db.getRepository(AppointmentEntity).find({ where: { doctorId, status: 'booked' }, order: { startsAt: 'ASC' } });

  describe('free slots', () => {
    it('cuts a 09:00–12:00 shift into six 30-minute slots in the clinic time zone', async () => {
      const doc = await doctorWithShifts();
      const { auth } = await registerUser(t);

      const doctors = (await t.http.get('/v1/clinic/doctors').set(auth).expect(200)).body as Doctor[];
      expect(doctors).toContainEqual({ id: doc.doctorId, name: `Dr. Test ${doc.doctorId.slice(0, 8)}`, specialty: 'Testing' });

      const res = await t.http.get(`/v1/clinic/doctors/${doc.doctorId}/slots`).query({ date: doc.date }).set(auth).expect(200);
      const times = ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30'];
      expect(res.body).toEqual({
        doctorId: doc.doctorId,
        date: doc.date,
        timezone: TZ,
        slots: times.map((time, i) => ({
          startsAt: doc.at(time),
          endsAt: doc.at(times[i + 1] ?? '12:00'),
          localTime: time,
        })),
      } satisfies SlotsResponse);
    });

    it('offers only whole slots inside shifts, and only on the day asked for', async () => {
      const doc = await doctorWithShifts(futureDay(), [
        ['09:00', '10:00'],
        ['14:00', '15:15'],
      ]);
      const nextDay = isoDay(new Date(Date.parse(`${doc.date}T12:00:00Z`) + 86_400_000));
      await t.db.getRepository(ShiftEntity).insert({
        id: randomUUID(),
        doctorId: doc.doctorId,
        startsAt: new Date(at(nextDay, '00:00')),
        endsAt: new Date(at(nextDay, '01:00')),
      });

      expect(await freeSlots(doc.doctorId, doc.date)).toEqual(['09:00', '09:30', '14:00', '14:30']);
      expect(await freeSlots(doc.doctorId, nextDay)).toEqual(['00:00', '00:30']);
    });

    it('offers each slot once when shifts overlap, in time order', async () => {
      const doc = await doctorWithShifts(futureDay(), [
        ['10:00', '12:00'],
        ['09:00', '11:00'],
      ]);
      expect(await freeSlots(doc.doctorId, doc.date)).toEqual(['09:00', '09:30', '10:00', '10:30', '11:00', '11:30']);
    });

    it('books any slot it offers, and never two that overlap, when shifts sit on different grids', async () => {
      const doc = await doctorWithShifts(futureDay(), [
        ['09:00', '10:00'],
        ['09:15', '10:15'],
      ]);
      expect(await freeSlots(doc.doctorId, doc.date)).toEqual(['09:00', '09:15', '09:30', '09:45']);
      await book(service, { doctorId: doc.doctorId, startsAt: doc.at('09:15'), patient: { name: 'A', phone: uniquePhone() } }).expect(201);
      expect(await freeSlots(doc.doctorId, doc.date)).toEqual(['09:45']);

      const overlapping = await book(service, {
        doctorId: doc.doctorId,
        startsAt: doc.at('09:30'),
        patient: { name: 'B', phone: uniquePhone() },
      }).expect(409);
      expect(overlapping.body).toEqual(CONFLICT);
      const adjacent = (await book(service, { doctorId: doc.doctorId, startsAt: doc.at('09:45'), patient: { name: 'C', phone: uniquePhone() } }).expect(201))
        .body as Appointment;
      expect((await move(service, adjacent.id, doc.at('09:00')).expect(409)).body).toEqual(CONFLICT);
      expect((await bookedRows(doc.doctorId)).map((a) => a.startsAt.toISOString())).toEqual([doc.at('09:15'), doc.at('09:45')]);
    });

    it('offers nothing in the past', async () => {
      const doc = await doctorWithShifts(pastDay());
      expect(await freeSlots(doc.doctorId, doc.date)).toEqual([]);
    });

    it('answers 404 for an unknown doctor and 400 for a malformed date', async () => {
      const res = await t.http.get(`/v1/clinic/doctors/${randomUUID()}/slots`).query({ date: futureDay() }).set(service).expect(404);
      expect(res.body.error.code).toBe('not_found');
      const doc = await doctorWithShifts();
      const bad = await t.http.get(`/v1/clinic/doctors/${doc.doctorId}/slots`).query({ date: '2030-13-01' }).set(service).expect(400);
      expect(bad.body.error.details).toEqual([{ path: 'query.date', message: expect.any(String) }]);
    });
  });

  describe('booking', () => {
    it('lets a user book for themself: the slot goes away and a patient record is made on first use', async () => {
      const doc = await doctorWithShifts();
      const { auth } = await registerUser(t, { displayName: 'Priya' });
      const me = (await t.http.get('/v1/me').set(auth).expect(200)).body as Profile;

      const res = await book(auth, { doctorId: doc.doctorId, startsAt: doc.at('10:00'), reason: 'Check-up' }).expect(201);
      const appointment = res.body as Appointment;
      expect(appointment).toEqual({
        id: expect.any(String),
        doctorId: doc.doctorId,
        patientId: expect.any(String),
        startsAt: doc.at('10:00'),
        endsAt: doc.at('10:30'),
        status: 'booked',
        reason: 'Check-up',
      } satisfies Appointment);
      expect(await freeSlots(doc.doctorId, doc.date, auth)).toEqual(['09:00', '09:30', '10:30', '11:00', '11:30']);

      const patients = (await t.http.get('/v1/clinic/patients').query({ userId: me.id }).set(service).expect(200)).body as Patient[];
      expect(patients).toEqual([{ id: appointment.patientId, name: 'Priya', phone: null, userId: me.id, balanceCents: 0 }]);

      const second = await book(auth, { doctorId: doc.doctorId, startsAt: doc.at('11:30') }).expect(201);
      expect(second.body.patientId).toBe(appointment.patientId);
      expect(second.body.reason).toBeNull();
      expect((await bookedRows(doc.doctorId)).map((a) => a.startsAt.toISOString())).toEqual([doc.at('10:00'), doc.at('11:30')]);
    });

    it('refuses a time off the slot grid or outside the shifts with 400 naming body.startsAt', async () => {
      const doc = await doctorWithShifts();
      const { auth } = await registerUser(t);
      const offGrid = /slots/;
      for (const time of ['09:15', '08:30', '12:00', '13:00']) {
        const res = await book(auth, { doctorId: doc.doctorId, startsAt: doc.at(time) }).expect(400);
        expect(res.body).toEqual(startsAtError(offGrid));
      }
      const oneMsLate = new Date(Date.parse(doc.at('09:00')) + 1).toISOString();
      expect((await book(auth, { doctorId: doc.doctorId, startsAt: oneMsLate }).expect(400)).body).toEqual(startsAtError(offGrid));
      const otherDay = at(futureDay(), '09:00');
      expect((await book(auth, { doctorId: doc.doctorId, startsAt: otherDay }).expect(400)).body).toEqual(startsAtError(offGrid));
      const malformed = await t.http.post('/v1/clinic/appointments').set(auth).send({ doctorId: doc.doctorId, startsAt: 'tomorrow 9am' }).expect(400);
      expect(malformed.body.error.details).toEqual([{ path: 'body.startsAt', message: expect.any(String) }]);
      expect(await bookedRows(doc.doctorId)).toEqual([]);
    });

    it('refuses a slot in the past with 400 naming body.startsAt', async () => {
      const doc = await doctorWithShifts(pastDay());
      const { auth } = await registerUser(t);
      const res = await book(auth, { doctorId: doc.doctorId, startsAt: doc.at('09:00') }).expect(400);
      expect(res.body).toEqual(startsAtError(/past/));
      expect(await bookedRows(doc.doctorId)).toEqual([]);
    });

    it('answers 404 for an unknown doctor', async () => {
      const { auth } = await registerUser(t);
      const res = await book(auth, { doctorId: randomUUID(), startsAt: at(futureDay(), '09:00') }).expect(404);
      expect(res.body.error).toMatchObject({ code: 'not_found', message: 'Doctor not found' });
    });

    it('does not let a user book for someone else', async () => {
      const doc = await doctorWithShifts();
      const { auth } = await registerUser(t);
      const patient = (
        await book(service, {
          doctorId: doc.doctorId,
          startsAt: doc.at('09:00'),
          patient: { name: 'Someone', phone: uniquePhone() },
        }).expect(201)
      ).body as Appointment;

      const byId = await book(auth, { doctorId: doc.doctorId, startsAt: doc.at('09:30'), patientId: patient.patientId }).expect(400);
      expect(byId.body.error.details).toEqual([{ path: 'body.patientId', message: expect.stringContaining('yourself') }]);
      const byDetails = await book(auth, {
        doctorId: doc.doctorId,
        startsAt: doc.at('09:30'),
        patient: { name: 'X', phone: uniquePhone() },
      }).expect(400);
      expect(byDetails.body.error.details).toEqual([{ path: 'body.patient', message: expect.stringContaining('yourself') }]);
      expect(await bookedRows(doc.doctorId)).toHaveLength(1);
    });

    it('lets a service book for a caller found or created by phone, or for a patient id', async () => {
      const doc = await doctorWithShifts();
      const phone = uniquePhone();
      const first = (await book(service, { doctorId: doc.doctorId, startsAt: doc.at('09:00'), patient: { name: 'Ravi Kumar', phone } }).expect(201))
        .body as Appointment;
      const again = (await book(service, { doctorId: doc.doctorId, startsAt: doc.at('09:30'), patient: { name: 'R. Kumar', phone } }).expect(201))
        .body as Appointment;
      expect(again.patientId).toBe(first.patientId);

      const found = (await t.http.get('/v1/clinic/patients').query({ phone }).set(service).expect(200)).body as Patient[];
      expect(found).toEqual([{ id: first.patientId, name: 'Ravi Kumar', phone, userId: null, balanceCents: 0 }]);
      const byId = (await t.http.get(`/v1/clinic/patients/${first.patientId}`).set(service).expect(200)).body as Patient;
      expect(byId).toEqual(found[0]);

      const third = await book(service, { doctorId: doc.doctorId, startsAt: doc.at('10:00'), patientId: first.patientId }).expect(201);
      expect(third.body.patientId).toBe(first.patientId);

      const unknown = await book(service, { doctorId: doc.doctorId, startsAt: doc.at('10:30'), patientId: randomUUID() }).expect(400);
      expect(unknown.body.error.details).toEqual([{ path: 'body.patientId', message: 'names no patient' }]);
      const nobody = await book(service, { doctorId: doc.doctorId, startsAt: doc.at('10:30') }).expect(400);
      expect(nobody.body.error.details).toEqual([{ path: 'body.patientId', message: expect.stringContaining('body.patient') }]);
      const both = await book(service, {
        doctorId: doc.doctorId,
        startsAt: doc.at('10:30'),
        patientId: first.patientId,
        patient: { name: 'Y', phone },
      }).expect(400);
      expect(both.body.error.details).toEqual([{ path: 'body.patient', message: expect.stringContaining('at most one') }]);

      expect(await freeSlots(doc.doctorId, doc.date)).toEqual(['10:30', '11:00', '11:30']);
    });

    it("lets a service book for a signed-in user: that user's own patient record, made on first use and shared with their bookings", async () => {
      const doc = await doctorWithShifts();
      const user = await registerUser(t, { displayName: 'Amara Okafor' });
      const userId = user.session.user.id;
      expect((await t.http.get('/v1/clinic/patients').query({ userId }).set(service).expect(200)).body).toEqual([]);

      const forUser = (await book(service, { doctorId: doc.doctorId, startsAt: doc.at('09:00'), userId }).expect(201)).body as Appointment;
      const patients = (await t.http.get('/v1/clinic/patients').query({ userId }).set(service).expect(200)).body as Patient[];
      expect(patients).toEqual([{ id: forUser.patientId, name: 'Amara Okafor', phone: null, userId, balanceCents: 0 }]);

      const again = (await book(service, { doctorId: doc.doctorId, startsAt: doc.at('10:00'), userId: userId.toUpperCase() }).expect(201)).body as Appointment;
      const own = (await book(user.auth, { doctorId: doc.doctorId, startsAt: doc.at('11:00') }).expect(201)).body as Appointment;
      expect([again.patientId, own.patientId]).toEqual([forUser.patientId, forUser.patientId]);
      const mine = (await t.http.get('/v1/clinic/appointments').set(user.auth).expect(200)).body as Appointment[];
      expect(mine.map((a) => a.id)).toEqual([forUser.id, again.id, own.id]);
      expect(await t.db.getRepository(PatientEntity).countBy({ userId })).toBe(1);
    });

    it('refuses userId from a user, for an unknown user, and beside patientId or patient, with 400 naming the field', async () => {
      const doc = await doctorWithShifts();
      const user = await registerUser(t);
      const other = await registerUser(t);
      const startsAt = doc.at('09:00');

      const fromUser = await book(user.auth, { doctorId: doc.doctorId, startsAt, userId: other.session.user.id });
      expectValidation(fromUser, 'body.userId', /service clients/);
      const ownId = await book(user.auth, { doctorId: doc.doctorId, startsAt, userId: user.session.user.id });
      expectValidation(ownId, 'body.userId', /service clients/);
      expectValidation(await book(service, { doctorId: doc.doctorId, startsAt, userId: randomUUID() }), 'body.userId', 'names no user');
      expectValidation(await book(service, { doctorId: doc.doctorId, startsAt, userId: 'not-a-uuid' }), 'body.userId');

      const patientId = (await book(service, { doctorId: doc.doctorId, startsAt: doc.at('11:00'), patient: { name: 'P', phone: uniquePhone() } }).expect(201))
        .body.patientId as string;
      const withPatientId = await book(service, { doctorId: doc.doctorId, startsAt, userId: other.session.user.id, patientId });
      expectValidation(withPatientId, 'body.patient', /at most one of patientId, patient and userId/);
      const withPatient = await book(service, {
        doctorId: doc.doctorId,
        startsAt,
        userId: other.session.user.id,
        patient: { name: 'Q', phone: uniquePhone() },
      });
      expectValidation(withPatient, 'body.patient', /at most one/);

      expect((await bookedRows(doc.doctorId)).map((a) => a.startsAt.toISOString())).toEqual([doc.at('11:00')]);
      expect(await t.db.getRepository(PatientEntity).countBy({ userId: other.session.user.id })).toBe(0);
    });

    it('refuses a second booking of a taken slot with 409', async () => {
      const doc = await doctorWithShifts();
      await book(service, { doctorId: doc.doctorId, startsAt: doc.at('09:00'), patient: { name: 'A', phone: uniquePhone() } }).expect(201);
      const res = await book(service, {
        doctorId: doc.doctorId,
        startsAt: doc.at('09:00'),
        patient: { name: 'B', phone: uniquePhone() },
      }).expect(409);
      expect(res.body).toEqual(CONFLICT);
      expect(await bookedRows(doc.doctorId)).toHaveLength(1);
    });
  });

  describe('moving and cancelling', () => {
    it('moves an appointment to a free slot and frees the old one', async () => {
      const doc = await doctorWithShifts();
      const { auth } = await registerUser(t);
      const booked = (await book(auth, { doctorId: doc.doctorId, startsAt: doc.at('09:00') }).expect(201)).body as Appointment;

      const moved = await move(auth, booked.id, doc.at('11:00')).expect(200);
      expect(moved.body).toEqual({ ...booked, startsAt: doc.at('11:00'), endsAt: doc.at('11:30') } satisfies Appointment);
      expect(await freeSlots(doc.doctorId, doc.date)).toEqual(['09:00', '09:30', '10:00', '10:30', '11:30']);
      const rows = await bookedRows(doc.doctorId);
      expect(rows.map((a) => [a.id, a.startsAt.toISOString(), a.endsAt.toISOString()])).toEqual([[booked.id, doc.at('11:00'), doc.at('11:30')]]);

      const offGrid = await move(auth, booked.id, doc.at('11:10')).expect(400);
      expect(offGrid.body).toEqual(startsAtError(/slots/));
    });

    it('refuses to move onto a booked slot with 409 and leaves both appointments where they were', async () => {
      const doc = await doctorWithShifts();
      const { auth } = await registerUser(t);
      const mine = (await book(auth, { doctorId: doc.doctorId, startsAt: doc.at('09:00') }).expect(201)).body as Appointment;
      await book(service, { doctorId: doc.doctorId, startsAt: doc.at('10:00'), patient: { name: 'Other', phone: uniquePhone() } }).expect(201);

      const res = await move(auth, mine.id, doc.at('10:00')).expect(409);
      expect(res.body).toEqual(CONFLICT);
      expect((await bookedRows(doc.doctorId)).map((a) => a.startsAt.toISOString())).toEqual([doc.at('09:00'), doc.at('10:00')]);
    });

    it('cancels, freeing the slot for someone else; a second cancel changes nothing; a cancelled one cannot move', async () => {
      const doc = await doctorWithShifts();
      const { auth } = await registerUser(t);
      const booked = (await book(auth, { doctorId: doc.doctorId, startsAt: doc.at('09:30') }).expect(201)).body as Appointment;

      const cancelled = await cancel(auth, booked.id).expect(200);
      expect(cancelled.body).toEqual({ ...booked, status: 'cancelled' } satisfies Appointment);
      expect(await freeSlots(doc.doctorId, doc.date)).toContain('09:30');
      expect((await cancel(auth, booked.id).expect(200)).body).toEqual({ ...booked, status: 'cancelled' });

      const moved = await move(auth, booked.id, doc.at('10:00')).expect(409);
      expect(moved.body).toEqual(CONFLICT);

      const rebooked = await book(service, {
        doctorId: doc.doctorId,
        startsAt: doc.at('09:30'),
        patient: { name: 'Next', phone: uniquePhone() },
      }).expect(201);
      expect(rebooked.body.id).not.toBe(booked.id);
      expect(await freeSlots(doc.doctorId, doc.date)).not.toContain('09:30');
      const statuses = await t.db.getRepository(AppointmentEntity).find({ where: { doctorId: doc.doctorId }, order: { createdAt: 'ASC' } });
      expect(statuses.map((a) => [a.id, a.status])).toEqual([
        [booked.id, 'cancelled'],
        [rebooked.body.id, 'booked'],
      ]);
    });
  });

  describe('who sees what', () => {
    it("hides a user's appointments from other users (404 on move and cancel, absent from lists)", async () => {
      const doc = await doctorWithShifts();
      const owner = await registerUser(t);
      const stranger = await registerUser(t);
      const theirs = (await book(owner.auth, { doctorId: doc.doctorId, startsAt: doc.at('09:00') }).expect(201)).body as Appointment;

      expect((await move(stranger.auth, theirs.id, doc.at('10:00')).expect(404)).body.error.code).toBe('not_found');
      expect((await cancel(stranger.auth, theirs.id).expect(404)).body.error.code).toBe('not_found');
      const list = await t.http.get('/v1/clinic/appointments').query({ patientId: theirs.patientId, doctorId: doc.doctorId }).set(stranger.auth).expect(200);
      expect(list.body).toEqual([]);

      const rows = await bookedRows(doc.doctorId);
      expect(rows.map((a) => [a.id, a.startsAt.toISOString()])).toEqual([[theirs.id, doc.at('09:00')]]);
      expect((await cancel(service, theirs.id).expect(200)).body.status).toBe('cancelled');
      expect((await move(owner.auth, randomUUID(), doc.at('10:00')).expect(404)).body.error.code).toBe('not_found');
    });

    it('lists only the signed-in user’s own appointments, earliest first', async () => {
      const doc = await doctorWithShifts();
      const other = await doctorWithShifts(doc.date);
      const me = await registerUser(t);
      const someoneElse = await registerUser(t);
      const late = (await book(me.auth, { doctorId: doc.doctorId, startsAt: doc.at('11:00') }).expect(201)).body as Appointment;
      const early = (await book(me.auth, { doctorId: other.doctorId, startsAt: other.at('09:00') }).expect(201)).body as Appointment;
      await book(someoneElse.auth, { doctorId: doc.doctorId, startsAt: doc.at('10:00') }).expect(201);

      const all = await t.http.get('/v1/clinic/appointments').set(me.auth).expect(200);
      expect((all.body as Appointment[]).map((a) => a.id)).toEqual([early.id, late.id]);
      const oneDoctor = await t.http.get('/v1/clinic/appointments').query({ doctorId: doc.doctorId }).set(me.auth).expect(200);
      expect((oneDoctor.body as Appointment[]).map((a) => a.id)).toEqual([late.id]);
      const from = await t.http
        .get('/v1/clinic/appointments')
        .query({ from: doc.at('10:00') })
        .set(me.auth)
        .expect(200);
      expect((from.body as Appointment[]).map((a) => a.id)).toEqual([late.id]);
    });

    it('makes a service say whose appointments it lists', async () => {
      const doc = await doctorWithShifts();
      const a = (await book(service, { doctorId: doc.doctorId, startsAt: doc.at('09:00'), patient: { name: 'A', phone: uniquePhone() } }).expect(201))
        .body as Appointment;
      const b = (await book(service, { doctorId: doc.doctorId, startsAt: doc.at('10:00'), patient: { name: 'B', phone: uniquePhone() } }).expect(201))
        .body as Appointment;

      const missing = await t.http.get('/v1/clinic/appointments').set(service).expect(400);
      expect(missing.body.error.details).toEqual([{ path: 'query.patientId', message: expect.stringContaining('query.doctorId') }]);
      const byDoctor = await t.http.get('/v1/clinic/appointments').query({ doctorId: doc.doctorId }).set(service).expect(200);
      expect(byDoctor.body).toEqual([a, b]);
      const byPatient = await t.http.get('/v1/clinic/appointments').query({ patientId: b.patientId }).set(service).expect(200);
      expect(byPatient.body).toEqual([b]);
    });

    it('keeps patient look-ups to service clients holding clinic:read, and requires phone or userId', async () => {
      const { auth } = await registerUser(t);
      expect((await t.http.get('/v1/clinic/patients').query({ phone: uniquePhone() }).set(auth).expect(403)).body.error.code).toBe('forbidden');
      await t.http.get(`/v1/clinic/patients/${randomUUID()}`).set(auth).expect(403);
      const bookOnly = await serviceToken(t, 'clinic:book');
      await t.http.get('/v1/clinic/patients').query({ phone: uniquePhone() }).set(bookOnly).expect(403);
      await t.http.get('/v1/clinic/patients').expect(401);

      const missing = await t.http.get('/v1/clinic/patients').set(service).expect(400);
      expect(missing.body.error.details).toEqual([{ path: 'query.phone', message: expect.stringContaining('query.userId') }]);
      expect((await t.http.get('/v1/clinic/patients').query({ phone: uniquePhone() }).set(service).expect(200)).body).toEqual([]);
      expect((await t.http.get(`/v1/clinic/patients/${randomUUID()}`).set(service).expect(404)).body.error.code).toBe('not_found');
    });

    it('needs the clinic:book scope to book', async () => {
      const doc = await doctorWithShifts();
      const readOnly = await serviceToken(t, 'clinic:read');
      await book(readOnly, { doctorId: doc.doctorId, startsAt: doc.at('09:00'), patient: { name: 'A', phone: uniquePhone() } }).expect(403);
      expect(await bookedRows(doc.doctorId)).toEqual([]);
    });
  });

  describe('claims', () => {
    let referenceSeq = 0;
    const reference = () => `CLM-T${phonePrefix}-${referenceSeq++}`;
    const claims = (patientId: string, auth: Headers) => t.http.get(`/v1/clinic/patients/${patientId}/claims`).set(auth);

    async function patientWithClaims(userId: string | null, specs: { status: Claim['status']; submittedAt: string; amountCents?: number }[]) {
      const patientId = randomUUID();
      await t.db.getRepository(PatientEntity).insert({ id: patientId, name: 'Claimant', phone: null, userId, balanceCents: 0 });
      const rows = specs.map((c) => ({
        id: randomUUID(),
        patientId,
        reference: reference(),
        status: c.status,
        amountCents: c.amountCents ?? 10_000,
        submittedAt: new Date(c.submittedAt),
        updatedAt: new Date(Date.parse(c.submittedAt) + 86_400_000),
      }));
      if (rows.length) await t.db.getRepository(ClaimEntity).insert(rows);
      const expected = rows.map(
        (r): Claim => ({
          id: r.id,
          patientId,
          reference: r.reference,
          status: r.status,
          amountCents: r.amountCents,
          submittedAt: r.submittedAt.toISOString(),
          updatedAt: r.updatedAt.toISOString(),
        }),
      );
      return { patientId, expected };
    }

    it("gives a service holding clinic:read a patient's claims, newest first, in the contract's shape", async () => {
      const { patientId, expected } = await patientWithClaims(null, [
        { status: 'paid', submittedAt: '2030-01-10T09:00:00.000Z', amountCents: 15_000 },
        { status: 'processing', submittedAt: '2030-03-01T12:30:00.250Z', amountCents: 8_500 },
        { status: 'denied', submittedAt: '2030-02-14T00:00:00.000Z', amountCents: 0 },
      ]);
      const res = await claims(patientId, service).expect(200);
      expect(res.body).toEqual([expected[1], expected[2], expected[0]]);
      const readOnly = await serviceToken(t, 'clinic:read');
      expect((await claims(patientId, readOnly).expect(200)).body).toEqual(res.body);
      // Another patient's claims stay out of the list.
      await patientWithClaims(null, [{ status: 'submitted', submittedAt: '2030-03-02T00:00:00.000Z' }]);
      expect((await claims(patientId, service).expect(200)).body).toHaveLength(3);
    });

    it('answers [] for a patient without claims', async () => {
      const { patientId } = await patientWithClaims(null, []);
      expect((await claims(patientId, service).expect(200)).body).toEqual([]);
    });

    it("lets a user read their own patient record's claims and answers 404 for anyone else's", async () => {
      const owner = await registerUser(t);
      const stranger = await registerUser(t);
      const { patientId, expected } = await patientWithClaims(owner.session.user.id, [
        { status: 'approved', submittedAt: '2030-04-01T08:00:00.000Z' },
        { status: 'submitted', submittedAt: '2030-04-20T08:00:00.000Z' },
      ]);
      expect((await claims(patientId, owner.auth).expect(200)).body).toEqual([expected[1], expected[0]]);

      expectError(await claims(patientId, stranger.auth), 404, 'not_found', 'Patient not found');
      const walkIn = await patientWithClaims(null, [{ status: 'paid', submittedAt: '2030-04-02T08:00:00.000Z' }]);
      expectError(await claims(walkIn.patientId, owner.auth), 404, 'not_found', 'Patient not found');
    });

    it('answers 404 for an unknown patient, 400 naming params.id for a malformed id, 401 without a token, 403 without clinic:read', async () => {
      const user = await registerUser(t);
      expectError(await claims(randomUUID(), service), 404, 'not_found', 'Patient not found');
      expectError(await claims(randomUUID(), user.auth), 404, 'not_found', 'Patient not found');
      expectValidation(await claims('CLM-1042', service), 'params.id');
      expectValidation(await claims('not-a-uuid', user.auth), 'params.id');

      const { patientId } = await patientWithClaims(null, [{ status: 'paid', submittedAt: '2030-01-01T00:00:00.000Z' }]);
      expectError(await t.http.get(`/v1/clinic/patients/${patientId}/claims`), 401, 'unauthorized', /Missing access token/);
      expectError(await claims(patientId, await serviceToken(t, 'clinic:book')), 403, 'forbidden', /clinic:read/);
    });
  });

  describe('concurrency', () => {
    it('gives one slot to exactly one of 20 simultaneous bookings', async () => {
      const doc = await doctorWithShifts();
      const startsAt = doc.at('10:30');
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => book(service, { doctorId: doc.doctorId, startsAt, patient: { name: `Caller ${i}`, phone: uniquePhone() } })),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([201, ...Array(19).fill(409)]);
      for (const r of responses.filter((r) => r.status === 409)) expect(r.body).toEqual(CONFLICT);

      const winner = responses.find((r) => r.status === 201)?.body as Appointment;
      const rows = await t.db.getRepository(AppointmentEntity).findBy({ doctorId: doc.doctorId });
      expect(rows.map((a) => [a.id, a.status, a.startsAt.toISOString()])).toEqual([[winner.id, 'booked', startsAt]]);
    });

    it('gives one slot to exactly one of 20 users booking at once', async () => {
      const doc = await doctorWithShifts();
      const startsAt = doc.at('09:00');
      const users = [];
      for (let i = 0; i < 20; i++) users.push(await registerUser(t));
      const responses = await Promise.all(users.map((u) => book(u.auth, { doctorId: doc.doctorId, startsAt })));
      expect(responses.map((r) => r.status).sort()).toEqual([201, ...Array(19).fill(409)]);
      for (const r of responses.filter((r) => r.status === 409)) expect(r.body).toEqual(CONFLICT);
      expect(await t.db.getRepository(AppointmentEntity).countBy({ doctorId: doc.doctorId })).toBe(1);
    }, 60_000);

    it('lets exactly one of several simultaneous moves onto one free slot win', async () => {
      const doc = await doctorWithShifts();
      const times = ['09:00', '09:30', '10:00', '10:30', '11:00'];
      const ids: string[] = [];
      for (const time of times) {
        const res = await book(service, {
          doctorId: doc.doctorId,
          startsAt: doc.at(time),
          patient: { name: time, phone: uniquePhone() },
        }).expect(201);
        ids.push(res.body.id);
      }
      const responses = await Promise.all(ids.map((id) => move(service, id, doc.at('11:30'))));
      expect(responses.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
      const rows = await bookedRows(doc.doctorId);
      expect(rows).toHaveLength(5);
      expect(rows.filter((a) => a.startsAt.toISOString() === doc.at('11:30'))).toHaveLength(1);
    });
  });
});
