import type { Appointment, Claim, Doctor, Patient } from '@voice/contracts/persistence';
import { AgentRunner, type RunnerEvent } from '@voice/agent/agents';
import type { LanguageModel } from '@voice/agent/llm';
import { OfflineLlm } from '../offline/offline-llm';
import { ClinicError, type ClinicPort } from './clinic-port';
import { APOLOGY, CLINIC_AGENTS } from './definitions';

// A Monday noon in the clinic's zone: "Tuesday" is tomorrow, 2026-11-24.
const NOW = new Date('2026-11-23T12:00:00Z');
const smith: Doctor = { id: '00000000-0000-4000-8000-000000000001', name: 'Dr. Alice Smith', specialty: 'General practice' };
const jones: Doctor = { id: '00000000-0000-4000-8000-000000000002', name: 'Dr. Brian Jones', specialty: 'Pediatrics' };
const patient: Patient = { id: '00000000-0000-4000-8000-0000000000aa', name: 'Demo User', phone: null, userId: 'u1', balanceCents: 2500 };

/** An in-memory clinic: the agents' own logic under test, not the clinic API (covered by voice-api's API tests). */
class MemoryClinic implements ClinicPort {
  booked: Appointment[] = [];
  failBooking?: ClinicError;
  async doctors() {
    return [smith, jones];
  }
  async slots(doctorId: string, date: string) {
    const times = ['09:00', '09:30', '10:00', '14:00'];
    return {
      doctorId,
      date,
      timezone: 'UTC',
      slots: times
        .map((t) => ({ startsAt: `${date}T${t}:00.000Z`, endsAt: '', localTime: t }))
        .filter((s) => !this.booked.some((b) => b.startsAt === s.startsAt && b.status === 'booked')),
    };
  }
  async patient() {
    return patient;
  }
  async appointments() {
    return this.booked.filter((b) => b.status === 'booked');
  }
  async book(input: { doctorId: string; startsAt: string }) {
    if (this.failBooking) throw this.failBooking;
    const a: Appointment = {
      id: `appt-${this.booked.length + 1}`,
      doctorId: input.doctorId,
      patientId: patient.id,
      startsAt: input.startsAt,
      endsAt: input.startsAt,
      status: 'booked',
      reason: null,
    };
    this.booked.push(a);
    return a;
  }
  async move(id: string, startsAt: string) {
    const a = this.booked.find((b) => b.id === id);
    if (!a) throw new ClinicError('not_found', 'no such appointment');
    a.startsAt = startsAt;
    return a;
  }
  async cancel(id: string) {
    const a = this.booked.find((b) => b.id === id);
    if (!a) throw new ClinicError('not_found', 'no such appointment');
    a.status = 'cancelled';
    return a;
  }
  async claims(): Promise<Claim[]> {
    return [
      {
        id: 'c1',
        patientId: patient.id,
        reference: 'CLM-1042',
        status: 'approved',
        amountCents: 12000,
        submittedAt: '2026-11-01T00:00:00Z',
        updatedAt: '2026-11-05T00:00:00Z',
      },
    ];
  }
}

const log = { warn: jest.fn(), error: jest.fn() };

function setup(llm?: LanguageModel) {
  const clinic = new MemoryClinic();
  const runner = new AgentRunner({
    llm: llm ?? new OfflineLlm({ timezone: 'UTC', now: () => NOW }),
    agents: CLINIC_AGENTS,
    ctx: { clinic, caller: { userId: 'u1' }, timezone: 'UTC', now: () => NOW },
    log,
  });
  const say = async (text: string) => {
    const events: RunnerEvent[] = [];
    for await (const e of runner.respond(text)) events.push(e);
    const reply = events
      .flatMap((e) => (e.type === 'text' ? [e.text] : []))
      .join('')
      .trim();
    return { events, reply, tools: events.flatMap((e) => (e.type === 'tool' ? [e.name] : [])) };
  };
  return { clinic, runner, say };
}

describe('agents with the offline model', () => {
  beforeEach(() => jest.clearAllMocks());

  it('hands a booking request to the scheduler, offers times, and books the one the caller picks once they confirm it', async () => {
    const { clinic, runner, say } = setup();
    const first = await say('I would like to book an appointment with doctor Alice Smith on Tuesday');
    expect(first.events).toContainEqual({ type: 'handoff', from: 'receptionist', to: 'scheduler' });
    expect(first.tools).toEqual(['transfer_to_scheduler', 'find_free_slots']);
    expect(first.reply).toBe('Dr. Alice Smith is free tomorrow at 9 AM, 9:30 AM or 10 AM. Which time would you like?');
    expect(runner.agent).toBe('scheduler');

    const second = await say('nine thirty please');
    expect(second.tools).toEqual([]);
    expect(second.reply).toBe('Dr. Alice Smith tomorrow at 9:30 AM — shall I book it?');
    expect(clinic.booked).toEqual([]);

    const third = await say('yes please');
    expect(third.tools).toEqual(['book_appointment']);
    expect(third.reply).toMatch(/^You're booked with Dr. Alice Smith tomorrow at 9:30 AM\./);
    expect(clinic.booked).toMatchObject([{ doctorId: smith.id, startsAt: '2026-11-24T09:30:00.000Z', status: 'booked' }]);
  });

  it('ends the call after saying goodbye when the caller is done', async () => {
    const { say } = setup();
    const bye = await say("that's all, thank you");
    expect(bye.reply).toBe('Thank you for calling. Goodbye!');
    expect(bye.tools).toEqual(['end_call']);
    expect(bye.events[bye.events.length - 1]).toEqual({ type: 'end_call', agent: 'receptionist' });
  });

  it('asks the open confirmation again instead of ending the call, and ends it after "no, goodbye"', async () => {
    const { clinic, say } = setup();
    await say('book me with doctor alice smith on tuesday');
    const question = 'Dr. Alice Smith tomorrow at 9:30 AM — shall I book it?';
    expect((await say('nine thirty please')).reply).toBe(question);

    const early = await say('goodbye');
    expect(early.reply).toBe(question);
    expect(early.events.map((e) => e.type)).not.toContain('end_call');

    const declined = await say('no, goodbye');
    expect(declined.reply).toBe('Thank you for calling. Goodbye!');
    expect(declined.events[declined.events.length - 1]).toEqual({ type: 'end_call', agent: 'scheduler' });
    expect(clinic.booked).toEqual([]);
  });

  it('confirms a free time the caller names, and offers others when it is taken', async () => {
    const { clinic, say } = setup();
    await clinic.book({ doctorId: jones.id, startsAt: '2026-11-24T10:00:00.000Z' });
    const taken = await say('book me with doctor jones on tuesday at ten');
    expect(taken.reply).toBe('Sorry, 10 AM is not free. Dr. Brian Jones is free tomorrow at 9 AM, 9:30 AM or 2 PM. Which time would you like?');
    expect((await say('two pm')).reply).toBe('Dr. Brian Jones tomorrow at 2 PM — shall I book it?');
    const ok = await say('yes book it');
    expect(ok.tools).toEqual(['book_appointment']);
    expect(clinic.booked.map((b) => b.startsAt)).toContain('2026-11-24T14:00:00.000Z');
  });

  it('asks for the doctor and the day when they are missing', async () => {
    const { say } = setup();
    expect((await say('I want to make an appointment')).reply).toBe('We have Dr. Alice Smith or Dr. Brian Jones. Who would you like to see?');
    expect((await say('doctor smith')).reply).toBe('What day would you like to see Doctor Smith?');
    expect((await say('on friday')).reply).toMatch(/^Dr. Alice Smith is free on Friday at 9 AM/);
  });

  it('cancels and moves appointments after looking them up and asking', async () => {
    const { clinic, say } = setup();
    await clinic.book({ doctorId: smith.id, startsAt: '2026-11-24T09:00:00.000Z' });
    const asked = await say('can I move my appointment to wednesday at nine thirty');
    expect(asked.tools).toEqual(['transfer_to_scheduler', 'list_my_appointments', 'find_free_slots']);
    expect(asked.reply).toBe('Dr. Alice Smith on Wednesday at 9:30 AM instead of tomorrow at 9 AM — shall I move it?');
    const moved = await say('yes');
    expect(moved.tools).toEqual(['move_appointment']);
    expect(moved.reply).toMatch(/^Done\. Your appointment with Dr. Alice Smith is now on Wednesday at 9:30 AM\./);
    const asking = await say('please cancel my appointment');
    expect(asking.tools).toEqual(['list_my_appointments']);
    expect(asking.reply).toBe('Your appointment with Dr. Alice Smith on Wednesday at 9:30 AM — shall I cancel it?');
    expect(clinic.booked[0].status).toBe('booked');
    const cancelled = await say('yes please');
    expect(cancelled.tools).toEqual(['cancel_appointment']);
    expect(cancelled.reply).toMatch(/is cancelled\./);
    expect(clinic.booked[0].status).toBe('cancelled');
  });

  it('answers billing questions through the billing agent', async () => {
    const { runner, say } = setup();
    const balance = await say('what is my balance');
    expect(balance.tools).toEqual(['transfer_to_billing', 'get_balance']);
    expect(balance.reply).toMatch(/^Your outstanding balance is \$25\.00\./);
    expect((await say('and the status of my claim')).reply).toMatch(/^Your most recent claim, CLM-1042 for \$120\.00, is approved\./);
    expect(runner.agent).toBe('billing');
    const hours = await say('what are your opening hours');
    expect(hours.tools).toEqual(['transfer_to_receptionist', 'get_opening_hours']);
    expect(runner.agent).toBe('receptionist');
  });

  it('turns a failing tool into a spoken apology and a logged error, not a dead call', async () => {
    const { clinic, say } = setup();
    await say('book an appointment with doctor smith on tuesday');
    clinic.failBooking = new ClinicError('unavailable', 'persistence-api: 503');
    await say('nine am');
    const reply = await say('yes');
    expect(reply.reply).toMatch(/can't reach our scheduling system/);
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ tool: 'book_appointment', code: 'unavailable' }), 'clinic tool failed');
    clinic.failBooking = new ClinicError('conflict', 'slot taken');
    await say('nine am');
    expect((await say('yes')).reply).toMatch(/just taken/);
  });

  it('apologises when the model itself fails', async () => {
    const broken: LanguageModel = {
      name: 'broken',
      check: async () => ({ status: 'down', detail: 'broken' }),
      // eslint-disable-next-line require-yield
      async *complete() {
        throw new Error('upstream 500');
      },
    };
    const { say } = setup(broken);
    expect((await say('hello')).reply).toBe(APOLOGY);
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ llm: 'broken' }), 'language model failed; apologising');
  });
});

describe('the offline scheduler confirms before it books, moves or cancels', () => {
  const TUESDAY_TEN = 'Dr. Alice Smith tomorrow at 10 AM — shall I book it?';
  /** A caller who asked for everything at once: the agent has just asked to confirm Tuesday at ten. */
  async function asked() {
    const s = setup();
    const first = await s.say('I would like to book an appointment with doctor Alice Smith on Tuesday at ten');
    expect(first.tools).toEqual(['transfer_to_scheduler', 'find_free_slots']);
    expect(first.reply).toBe(TUESDAY_TEN);
    expect(s.clinic.booked).toEqual([]);
    return s;
  }

  it.each(['yes', 'yeah', 'yep', 'correct', "that's right", 'sure', 'okay', 'please do', 'book it', 'yes that works thank you', 'um yes please', 'go ahead'])(
    'books what it asked about on "%s"',
    async (yes) => {
      const { clinic, say } = await asked();
      const booked = await say(yes);
      expect(booked.tools).toEqual(['book_appointment']);
      expect(booked.reply).toMatch(/^You're booked with Dr. Alice Smith tomorrow at 10 AM\./);
      expect(clinic.booked).toMatchObject([{ doctorId: smith.id, startsAt: '2026-11-24T10:00:00.000Z' }]);
    },
  );

  it('"No, Wednesday" keeps the doctor and the time, searches Wednesday and asks again', async () => {
    const { clinic, say } = await asked();
    const again = await say('No, Wednesday');
    expect(again.tools).toEqual(['find_free_slots']);
    expect(again.reply).toBe('Dr. Alice Smith on Wednesday at 10 AM — shall I book it?');
    expect(clinic.booked).toEqual([]);
    expect((await say('yes')).tools).toEqual(['book_appointment']);
    expect(clinic.booked).toMatchObject([{ doctorId: smith.id, startsAt: '2026-11-25T10:00:00.000Z' }]);
  });

  it.each(['not Tuesday, Wednesday', 'actually, Wednesday', 'um no, I meant Wednesday'])(
    '"%s" corrects the day like "No, Wednesday", booking nothing yet',
    async (correction) => {
      const { clinic, say } = await asked();
      const again = await say(correction);
      expect(again.tools).toEqual(['find_free_slots']);
      expect(again.reply).toBe('Dr. Alice Smith on Wednesday at 10 AM — shall I book it?');
      expect(clinic.booked).toEqual([]);
    },
  );

  it('"actually make it nine" changes the time and asks again', async () => {
    const { clinic, say } = await asked();
    const again = await say('actually make it nine');
    expect(again.reply).toBe('Dr. Alice Smith tomorrow at 9 AM — shall I book it?');
    expect(clinic.booked).toEqual([]);
  });

  it("offers the new day's times when the kept time is not free there", async () => {
    const { clinic, say } = await asked();
    await clinic.book({ doctorId: smith.id, startsAt: '2026-11-25T10:00:00.000Z' });
    const offer = await say('no, wednesday');
    expect(offer.reply).toBe('Sorry, 10 AM is not free. Dr. Alice Smith is free on Wednesday at 9 AM, 9:30 AM or 2 PM. Which time would you like?');
    expect((await say('nine thirty')).reply).toBe('Dr. Alice Smith on Wednesday at 9:30 AM — shall I book it?');
    await say('yes');
    expect(clinic.booked.map((b) => b.startsAt)).toEqual(['2026-11-25T10:00:00.000Z', '2026-11-25T09:30:00.000Z']);
  });

  it('"No, at three" keeps the doctor and the day: a taken time gets that day\'s times, a free one is asked about', async () => {
    const { clinic, say } = await asked();
    const notFree = await say('No, at three');
    expect(notFree.tools).toEqual([]);
    expect(notFree.reply).toBe('Sorry, 3 PM is not free. Dr. Alice Smith is free tomorrow at 9 AM, 9:30 AM or 10 AM. Which time would you like?');
    expect((await say('two pm')).reply).toBe('Dr. Alice Smith tomorrow at 2 PM — shall I book it?');
    const free = await say('no, at nine');
    expect(free.tools).toEqual([]);
    expect(free.reply).toBe('Dr. Alice Smith tomorrow at 9 AM — shall I book it?');
    expect(clinic.booked).toEqual([]);
    await say('yes please');
    expect(clinic.booked).toMatchObject([{ doctorId: smith.id, startsAt: '2026-11-24T09:00:00.000Z' }]);
  });

  it('"No, with Doctor Jones" keeps the day and the time', async () => {
    const { clinic, say } = await asked();
    const again = await say('No, with Doctor Jones');
    expect(again.tools).toEqual(['find_free_slots']);
    expect(again.reply).toBe('Dr. Brian Jones tomorrow at 10 AM — shall I book it?');
    await say('yes');
    expect(clinic.booked).toMatchObject([{ doctorId: jones.id, startsAt: '2026-11-24T10:00:00.000Z' }]);
  });

  it('asks what to change after a bare "no", and takes the change from the answer', async () => {
    const { clinic, say } = await asked();
    expect((await say('no')).reply).toBe('What would you like to change: the doctor, the day or the time?');
    // A yes to that question is not a yes to the booking: it asks again.
    const yes = await say('yes');
    expect(yes.tools).toEqual([]);
    expect(yes.reply).toBe(TUESDAY_TEN);
    expect((await say('no')).reply).toBe('What would you like to change: the doctor, the day or the time?');
    expect((await say('wednesday')).reply).toBe('Dr. Alice Smith on Wednesday at 10 AM — shall I book it?');
    expect(clinic.booked).toEqual([]);
  });

  it('takes a yes that names another time, day or doctor as a correction, not a confirmation', async () => {
    const { clinic, say } = await asked();
    expect((await say('yes, at nine thirty')).reply).toBe('Dr. Alice Smith tomorrow at 9:30 AM — shall I book it?');
    expect((await say('yes on wednesday')).reply).toBe('Dr. Alice Smith on Wednesday at 9:30 AM — shall I book it?');
    expect((await say('yes with doctor jones')).reply).toBe('Dr. Brian Jones on Wednesday at 9:30 AM — shall I book it?');
    expect(clinic.booked).toEqual([]);
    // The same time again is still a yes.
    expect((await say('yes at nine thirty')).tools).toEqual(['book_appointment']);
    expect(clinic.booked).toMatchObject([{ doctorId: jones.id, startsAt: '2026-11-25T09:30:00.000Z' }]);
  });

  it('books nothing without a yes to the question just asked', async () => {
    const { clinic, runner, say } = await asked();
    for (const words of ['thanks', 'no, wednesday', 'at two', 'with doctor jones', 'no', 'what are your opening hours']) await say(words);
    expect(clinic.booked).toEqual([]);
    expect(runner.agent).toBe('receptionist');
  });

  it('books nothing on a yes to a question the caller cut short', async () => {
    const { clinic, runner, say } = await asked();
    runner.amendLastReply('Dr. Alice Smith tomorrow');
    const yes = await say('yes');
    expect(yes.tools).toEqual([]);
    expect(yes.reply).toMatch(/shall I book it\?$/);
    expect(clinic.booked).toEqual([]);
  });

  it('asks before cancelling, keeps the appointment on a no, and cancels the one the caller names instead', async () => {
    const { clinic, say } = setup();
    await clinic.book({ doctorId: smith.id, startsAt: '2026-11-24T09:00:00.000Z' });
    await clinic.book({ doctorId: jones.id, startsAt: '2026-11-25T10:00:00.000Z' });
    expect((await say('I need to cancel my appointment')).reply).toBe('Your appointment with Dr. Alice Smith tomorrow at 9 AM — shall I cancel it?');
    expect((await say('no')).reply).toBe("All right, I'll keep it. Is there anything else I can help with?");
    expect(clinic.booked.map((b) => b.status)).toEqual(['booked', 'booked']);

    await say('please cancel my appointment');
    const other = await say('no, the one with doctor jones');
    expect(other.tools).toEqual([]);
    expect(other.reply).toBe('Your appointment with Dr. Brian Jones on Wednesday at 10 AM — shall I cancel it?');
    expect(clinic.booked.map((b) => b.status)).toEqual(['booked', 'booked']);
    expect((await say('yes')).tools).toEqual(['cancel_appointment']);
    expect(clinic.booked.map((b) => b.status)).toEqual(['booked', 'cancelled']);
  });

  it('asks before moving, and keeps the time when the caller changes the day', async () => {
    const { clinic, say } = setup();
    await clinic.book({ doctorId: smith.id, startsAt: '2026-11-24T09:00:00.000Z' });
    expect((await say('move my appointment to wednesday at nine thirty')).reply).toBe(
      'Dr. Alice Smith on Wednesday at 9:30 AM instead of tomorrow at 9 AM — shall I move it?',
    );
    expect((await say('no')).reply).toBe('What would you like to change: the day or the time?');
    const again = await say('thursday');
    expect(again.tools).toEqual(['find_free_slots']);
    expect(again.reply).toBe('Dr. Alice Smith on Thursday at 9:30 AM instead of tomorrow at 9 AM — shall I move it?');
    expect(clinic.booked[0].startsAt).toBe('2026-11-24T09:00:00.000Z');
    expect((await say('yes')).tools).toEqual(['move_appointment']);
    expect(clinic.booked[0].startsAt).toBe('2026-11-26T09:30:00.000Z');
  });
});
