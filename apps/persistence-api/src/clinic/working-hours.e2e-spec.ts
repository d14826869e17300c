import type {
  Appointment,
  BookAppointmentRequest,
  OneOffShift,
  OneOffShiftInput,
  SlotsResponse,
  TimeOff,
  TimeOffInput,
  Weekday,
  WeeklyShift,
  WeeklyShiftInput,
} from '@voice/contracts/persistence';
import { expectError, expectValidation } from '@voice/testing/api-errors';
import { randomInt, randomUUID } from 'node:crypto';
import { registerUser, serviceToken, startTestApp, type TestApp } from '../../test/test-app';
import { DoctorEntity } from './entities/doctor.entity';

// A zone with daylight saving: a weekly shift must keep its wall-clock hours across the changes.
const TZ = 'America/New_York';
const WEEKDAYS: Weekday[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const clinicDate = new Intl.DateTimeFormat('en-CA', { timeZone: TZ });
/** The clinic date `days` from now. */
const daysAhead = (days: number) => clinicDate.format(new Date(Date.now() + days * 86_400_000));
const weekdayOf = (date: string) => WEEKDAYS[new Date(`${date}T12:00:00Z`).getUTCDay()];
const plusDays = (date: string, days: number) => new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const phonePrefix = randomInt(10_000, 100_000);
let phoneSeq = 0;
const caller = () => ({ name: 'Caller', phone: `+1${phonePrefix}${String(phoneSeq++).padStart(6, '0')}` });

type Headers = Record<string, string>;

describe('working hours: weekly shifts, time off and one-off shifts', () => {
  let t: TestApp;
  let service: Headers;

  beforeAll(async () => {
    t = await startTestApp({ CLINIC_TIMEZONE: TZ });
    await t.app.listen(0, '127.0.0.1');
    service = await serviceToken(t);
  });
  afterAll(() => t.close());

  async function newDoctor() {
    const id = randomUUID();
    await t.db.getRepository(DoctorEntity).insert({ id, name: `Dr. Hours ${id.slice(0, 8)}`, specialty: 'Testing' });
    return id;
  }
  const path = (doctorId: string, part: string, itemId?: string) => `/v1/clinic/doctors/${doctorId}/${part}${itemId ? `/${itemId}` : ''}`;
  const addWeekly = async (doctorId: string, input: WeeklyShiftInput) =>
    (await t.http.post(path(doctorId, 'weekly-shifts')).set(service).send(input).expect(201)).body as WeeklyShift;
  const addTimeOff = async (doctorId: string, input: TimeOffInput) =>
    (await t.http.post(path(doctorId, 'time-off')).set(service).send(input).expect(201)).body as TimeOff;
  const addOneOff = async (doctorId: string, input: OneOffShiftInput) =>
    (await t.http.post(path(doctorId, 'one-off-shifts')).set(service).send(input).expect(201)).body as OneOffShift;
  const slots = async (doctorId: string, date: string) =>
    ((await t.http.get(`/v1/clinic/doctors/${doctorId}/slots`).query({ date }).set(service).expect(200)).body as SlotsResponse).slots;
  const localTimes = async (doctorId: string, date: string) => (await slots(doctorId, date)).map((s) => s.localTime);
  const book = (input: BookAppointmentRequest) => t.http.post('/v1/clinic/appointments').set(service).send(input);

  describe('availability from weekly shifts', () => {
    it('offers the weekly hours 3 weeks and 6 months ahead, and nothing on other weekdays', async () => {
      const doctorId = await newDoctor();
      const inThreeWeeks = daysAhead(21);
      await addWeekly(doctorId, { weekday: weekdayOf(inThreeWeeks), startTime: '09:00', endTime: '11:00' });
      const hours = ['09:00', '09:30', '10:00', '10:30'];

      expect(await localTimes(doctorId, inThreeWeeks)).toEqual(hours);
      expect(await localTimes(doctorId, plusDays(inThreeWeeks, 26 * 7))).toEqual(hours);
      expect(await localTimes(doctorId, plusDays(inThreeWeeks, 52 * 7 * 3))).toEqual(hours);
      expect(await localTimes(doctorId, plusDays(inThreeWeeks, 1))).toEqual([]);
      expect(await localTimes(doctorId, plusDays(inThreeWeeks, 26 * 7 - 1))).toEqual([]);
    });

    it('honours validFrom and validUntil, both inclusive', async () => {
      const doctorId = await newDoctor();
      const first = daysAhead(14);
      await addWeekly(doctorId, { weekday: weekdayOf(first), startTime: '14:00', endTime: '15:00', validFrom: first, validUntil: plusDays(first, 14) });
      const week = (n: number) => localTimes(doctorId, plusDays(first, 7 * n));
      expect([await week(-1), await week(0), await week(1), await week(2), await week(3)]).toEqual([
        [],
        ['14:00', '14:30'],
        ['14:00', '14:30'],
        ['14:00', '14:30'],
        [],
      ]);
    });

    it('keeps the wall-clock hours through the daylight-saving changes, and books the repeated hour', async () => {
      const doctorId = await newDoctor();
      await addWeekly(doctorId, { weekday: 'monday', startTime: '09:00', endTime: '10:00' });
      await addWeekly(doctorId, { weekday: 'sunday', startTime: '00:00', endTime: '04:00' });
      const instants = async (date: string) => (await slots(doctorId, date)).map((s) => [s.localTime, s.startsAt]);

      // Clocks go from 02:00 EST to 03:00 EDT on Sunday 2030-03-10, and back from 02:00 EDT to 01:00 EST on 2030-11-03.
      expect(await instants('2030-03-04')).toEqual([
        ['09:00', '2030-03-04T14:00:00.000Z'],
        ['09:30', '2030-03-04T14:30:00.000Z'],
      ]);
      expect(await instants('2030-03-11')).toEqual([
        ['09:00', '2030-03-11T13:00:00.000Z'],
        ['09:30', '2030-03-11T13:30:00.000Z'],
      ]);
      expect(await instants('2030-03-10')).toEqual([
        ['00:00', '2030-03-10T05:00:00.000Z'],
        ['00:30', '2030-03-10T05:30:00.000Z'],
        ['01:00', '2030-03-10T06:00:00.000Z'],
        ['01:30', '2030-03-10T06:30:00.000Z'],
        ['03:00', '2030-03-10T07:00:00.000Z'],
        ['03:30', '2030-03-10T07:30:00.000Z'],
      ]);
      const fallBack = await instants('2030-11-03');
      expect(fallBack.map(([local]) => local)).toEqual(['00:00', '00:30', '01:00', '01:30', '01:00', '01:30', '02:00', '02:30', '03:00', '03:30']);
      expect([fallBack[0][1], fallBack[9][1]]).toEqual(['2030-11-03T04:00:00.000Z', '2030-11-03T08:30:00.000Z']);

      const secondOneOClock = '2030-11-03T06:00:00.000Z';
      const booked = (await book({ doctorId, startsAt: secondOneOClock, patient: caller() }).expect(201)).body as Appointment;
      expect(booked).toMatchObject({ startsAt: secondOneOClock, endsAt: '2030-11-03T06:30:00.000Z' });
      expect((await instants('2030-11-03')).map(([local]) => local)).toEqual(['00:00', '00:30', '01:00', '01:30', '01:30', '02:00', '02:30', '03:00', '03:30']);
    });

    it('books a slot half a year ahead and refuses one off the weekly grid', async () => {
      const doctorId = await newDoctor();
      const date = daysAhead(183);
      await addWeekly(doctorId, { weekday: weekdayOf(date), startTime: '08:00', endTime: '12:00' });
      const [first, second] = await slots(doctorId, date);

      const booked = (await book({ doctorId, startsAt: second.startsAt, patient: caller() }).expect(201)).body as Appointment;
      expect(booked).toMatchObject({ doctorId, startsAt: second.startsAt, endsAt: second.endsAt, status: 'booked' });
      expect((await slots(doctorId, date)).map((s) => s.localTime)).not.toContain('08:30');

      const offGrid = new Date(Date.parse(first.startsAt) + 10 * 60_000).toISOString();
      expectValidation(await book({ doctorId, startsAt: offGrid, patient: caller() }), 'body.startsAt', /slots/);
      const nextDay = new Date(Date.parse(first.startsAt) + 86_400_000).toISOString();
      expectValidation(await book({ doctorId, startsAt: nextDay, patient: caller() }), 'body.startsAt', /slots/);
    });
  });

  describe('exceptions', () => {
    it('takes a day off out of the weekly shifts and one-off shifts, and gives it back when the time off is deleted', async () => {
      const doctorId = await newDoctor();
      const day = daysAhead(28);
      await addWeekly(doctorId, { weekday: weekdayOf(day), startTime: '09:00', endTime: '10:00' });
      await addOneOff(doctorId, { date: day, startTime: '15:00', endTime: '15:30' });
      const [nineOClock] = await slots(doctorId, day);
      expect(await localTimes(doctorId, day)).toEqual(['09:00', '09:30', '15:00']);

      const off = await addTimeOff(doctorId, { from: day, reason: 'Conference' });
      expect(off).toEqual({ id: expect.any(String), doctorId, from: day, until: day, reason: 'Conference' } satisfies TimeOff);
      expect(await localTimes(doctorId, day)).toEqual([]);
      expect(await localTimes(doctorId, plusDays(day, 7))).toEqual(['09:00', '09:30']);
      expectValidation(await book({ doctorId, startsAt: nineOClock.startsAt, patient: caller() }), 'body.startsAt', /slots/);

      await t.http
        .delete(path(doctorId, 'time-off', off.id))
        .set(service)
        .expect(204);
      expect(await localTimes(doctorId, day)).toEqual(['09:00', '09:30', '15:00']);
      await book({ doctorId, startsAt: nineOClock.startsAt, patient: caller() }).expect(201);
    });

    it('takes every day of a date range off, ends included', async () => {
      const doctorId = await newDoctor();
      const from = daysAhead(35);
      for (const weekday of WEEKDAYS) await addWeekly(doctorId, { weekday, startTime: '10:00', endTime: '10:30' });
      await addTimeOff(doctorId, { from, until: plusDays(from, 9), reason: 'Holiday' });
      const open = [];
      for (let i = -1; i <= 10; i++) open.push((await localTimes(doctorId, plusDays(from, i))).length);
      expect(open).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    });

    it('adds a one-off shift on a day without weekly shifts, bookable like any other', async () => {
      const doctorId = await newDoctor();
      const day = daysAhead(40);
      expect(await localTimes(doctorId, day)).toEqual([]);
      const extra = await addOneOff(doctorId, { date: day, startTime: '18:00', endTime: '19:00' });
      const [slot] = await slots(doctorId, day);
      expect(extra).toEqual({
        id: expect.any(String),
        doctorId,
        date: day,
        startTime: '18:00',
        endTime: '19:00',
        startsAt: slot.startsAt,
        endsAt: new Date(Date.parse(slot.startsAt) + 3_600_000).toISOString(),
      } satisfies OneOffShift);
      expect(await localTimes(doctorId, day)).toEqual(['18:00', '18:30']);
      await book({ doctorId, startsAt: slot.startsAt, patient: caller() }).expect(201);
      expect(await localTimes(doctorId, day)).toEqual(['18:30']);
    });
  });

  describe('the schedule API', () => {
    it('lists, replaces and deletes weekly shifts, in weekday order', async () => {
      const doctorId = await newDoctor();
      const friday = await addWeekly(doctorId, { weekday: 'friday', startTime: '13:00', endTime: '17:00' });
      const monday = await addWeekly(doctorId, { weekday: 'monday', startTime: '09:00', endTime: '12:00', validFrom: '2030-01-01' });
      expect(monday).toEqual({
        id: expect.any(String),
        doctorId,
        weekday: 'monday',
        startTime: '09:00',
        endTime: '12:00',
        validFrom: '2030-01-01',
        validUntil: null,
      } satisfies WeeklyShift);
      const list = async () => (await t.http.get(path(doctorId, 'weekly-shifts')).set(service).expect(200)).body as WeeklyShift[];
      expect(await list()).toEqual([monday, friday]);

      const replaced = await t.http
        .put(path(doctorId, 'weekly-shifts', friday.id))
        .set(service)
        .send({ weekday: 'saturday', startTime: '08:00', endTime: '24:00', validUntil: '2031-12-31' } satisfies WeeklyShiftInput)
        .expect(200);
      const saturday = {
        ...friday,
        weekday: 'saturday',
        startTime: '08:00',
        endTime: '24:00',
        validFrom: null,
        validUntil: '2031-12-31',
      } satisfies WeeklyShift;
      expect(replaced.body).toEqual(saturday);
      expect(await list()).toEqual([monday, saturday]);

      await t.http
        .delete(path(doctorId, 'weekly-shifts', monday.id))
        .set(service)
        .expect(204);
      expect(await list()).toEqual([saturday]);
      expectError(await t.http.delete(path(doctorId, 'weekly-shifts', monday.id)).set(service), 404, 'not_found', 'Weekly shift not found');
    });

    it('lists, replaces and deletes time off and one-off shifts', async () => {
      const doctorId = await newDoctor();
      const off = await addTimeOff(doctorId, { from: '2030-08-01', until: '2030-08-14' });
      expect(off.reason).toBeNull();
      const moved = await t.http
        .put(path(doctorId, 'time-off', off.id))
        .set(service)
        .send({ from: '2030-08-05', reason: 'Sick' } satisfies TimeOffInput)
        .expect(200);
      expect(moved.body).toEqual({ ...off, from: '2030-08-05', until: '2030-08-05', reason: 'Sick' });
      expect((await t.http.get(path(doctorId, 'time-off')).set(service).expect(200)).body).toEqual([moved.body]);

      const late = await addOneOff(doctorId, { date: '2030-08-10', startTime: '20:00', endTime: '24:00' });
      const early = await addOneOff(doctorId, { date: '2030-08-09', startTime: '07:00', endTime: '08:00' });
      expect([late.endTime, late.endsAt]).toEqual(['24:00', '2030-08-11T04:00:00.000Z']);
      expect((await t.http.get(path(doctorId, 'one-off-shifts')).set(service).expect(200)).body).toEqual([early, late]);
      const replaced = await t.http
        .put(path(doctorId, 'one-off-shifts', early.id))
        .set(service)
        .send({ date: '2030-08-12', startTime: '07:30', endTime: '08:30' } satisfies OneOffShiftInput)
        .expect(200);
      expect(replaced.body).toEqual({
        ...early,
        date: '2030-08-12',
        startTime: '07:30',
        endTime: '08:30',
        startsAt: '2030-08-12T11:30:00.000Z',
        endsAt: '2030-08-12T12:30:00.000Z',
      });
      expect(await localTimes(doctorId, '2030-08-12')).toEqual(['07:30', '08:00']);
      expect(await localTimes(doctorId, '2030-08-09')).toEqual([]);

      await t.http
        .delete(path(doctorId, 'one-off-shifts', late.id))
        .set(service)
        .expect(204);
      await t.http
        .delete(path(doctorId, 'time-off', off.id))
        .set(service)
        .expect(204);
      expect((await t.http.get(path(doctorId, 'one-off-shifts')).set(service).expect(200)).body).toEqual([replaced.body]);
      expect((await t.http.get(path(doctorId, 'time-off')).set(service).expect(200)).body).toEqual([]);
    });

    it('refuses invalid input with 400 naming the field and saying what is wanted', async () => {
      const doctorId = await newDoctor();
      const post = (part: string, input: object) => t.http.post(path(doctorId, part)).set(service).send(input);
      expectValidation(await post('weekly-shifts', { weekday: 'Mon', startTime: '09:00', endTime: '12:00' }), 'body.weekday', /"monday"/);
      expectValidation(await post('weekly-shifts', { weekday: 'monday', startTime: '9am', endTime: '12:00' }), 'body.startTime', /HH:MM/);
      expectValidation(await post('weekly-shifts', { weekday: 'monday', startTime: '09:00', endTime: '24:30' }), 'body.endTime', /HH:MM/);
      expectValidation(await post('weekly-shifts', { weekday: 'monday', startTime: '12:00', endTime: '09:00' }), 'body.endTime', /later than startTime/);
      expectValidation(await post('weekly-shifts', { weekday: 'monday', startTime: '09:00' }), 'body.endTime', 'is required');
      expectValidation(
        await post('weekly-shifts', { weekday: 'monday', startTime: '09:00', endTime: '12:00', validFrom: '2030-02-01', validUntil: '2030-01-31' }),
        'body.validUntil',
        /before validFrom/,
      );
      expectValidation(
        await post('weekly-shifts', { weekday: 'monday', startTime: '09:00', endTime: '12:00', validFrom: '2030-02-30' }),
        'body.validFrom',
        /YYYY-MM-DD/,
      );
      expectValidation(await post('weekly-shifts', { weekday: 'monday', startTime: '09:00', endTime: '12:00', every: 2 }), 'body', /unknown field\(s\): every/);
      expectValidation(await post('time-off', { from: '2030-03-10', until: '2030-03-09' }), 'body.until', /before from/);
      expectValidation(await post('time-off', { until: '2030-03-09' }), 'body.from', 'is required');
      expectValidation(await post('one-off-shifts', { date: '2030-03-10', startTime: '10:00', endTime: '10:00' }), 'body.endTime', /later than startTime/);
      expect((await t.http.get(path(doctorId, 'weekly-shifts')).set(service).expect(200)).body).toEqual([]);
      expect((await t.http.get(path(doctorId, 'time-off')).set(service).expect(200)).body).toEqual([]);
      expect((await t.http.get(path(doctorId, 'one-off-shifts')).set(service).expect(200)).body).toEqual([]);
    });

    it("answers 404 for an unknown doctor or another doctor's item, and 400 for malformed ids", async () => {
      const doctorId = await newDoctor();
      const otherDoctor = await newDoctor();
      const shift = await addWeekly(doctorId, { weekday: 'tuesday', startTime: '09:00', endTime: '10:00' });
      const input = { weekday: 'tuesday', startTime: '10:00', endTime: '11:00' } satisfies WeeklyShiftInput;

      expectError(await t.http.get(path(randomUUID(), 'weekly-shifts')).set(service), 404, 'not_found', 'Doctor not found');
      expectError(await t.http.post(path(randomUUID(), 'time-off')).set(service).send({ from: '2030-01-01' }), 404, 'not_found', 'Doctor not found');
      expectError(
        await t.http
          .put(path(otherDoctor, 'weekly-shifts', shift.id))
          .set(service)
          .send(input),
        404,
        'not_found',
        'Weekly shift not found',
      );
      expectError(await t.http.delete(path(otherDoctor, 'weekly-shifts', shift.id)).set(service), 404, 'not_found', 'Weekly shift not found');
      expectError(await t.http.delete(path(doctorId, 'one-off-shifts', shift.id)).set(service), 404, 'not_found', 'One-off shift not found');
      expectValidation(
        await t.http
          .put(path(doctorId, 'weekly-shifts', 'nope'))
          .set(service)
          .send(input),
        'params.itemId',
        /UUID/,
      );
      expectValidation(await t.http.get(path('nope', 'time-off')).set(service), 'params.id', /UUID/);
      expect((await t.http.get(path(doctorId, 'weekly-shifts')).set(service).expect(200)).body).toEqual([shift]);
    });

    it('lets only service clients holding clinic:schedule change working hours; clinic:read may read them', async () => {
      const doctorId = await newDoctor();
      const input = { weekday: 'monday', startTime: '09:00', endTime: '10:00' } satisfies WeeklyShiftInput;
      const agent = await serviceToken(t, 'clinic:read clinic:book');
      const user = await registerUser(t);

      expectError(await t.http.post(path(doctorId, 'weekly-shifts')).set(agent).send(input), 403, 'forbidden', /clinic:schedule/);
      expectError(await t.http.post(path(doctorId, 'time-off')).set(agent).send({ from: '2030-01-01' }), 403, 'forbidden', /clinic:schedule/);
      expectError(await t.http.post(path(doctorId, 'weekly-shifts')).set(user.auth).send(input), 403, 'forbidden', /service clients/);
      expectError(await t.http.get(path(doctorId, 'weekly-shifts')).set(user.auth), 403, 'forbidden', /service clients/);
      expectError(await t.http.post(path(doctorId, 'weekly-shifts')).send(input), 401, 'unauthorized');

      const shift = await addWeekly(doctorId, input);
      expectError(await t.http.delete(path(doctorId, 'weekly-shifts', shift.id)).set(agent), 403, 'forbidden', /clinic:schedule/);
      expect((await t.http.get(path(doctorId, 'weekly-shifts')).set(agent).expect(200)).body).toEqual([shift]);
    });
  });
});
