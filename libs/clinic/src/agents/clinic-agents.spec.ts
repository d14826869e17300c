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

  it('hands a booking request to the scheduler, offers times, and books the one the caller picks', async () => {
    const { clinic, runner, say } = setup();
    const first = await say('I would like to book an appointment with doctor Alice Smith on Tuesday');
    expect(first.events).toContainEqual({ type: 'handoff', from: 'receptionist', to: 'scheduler' });
    expect(first.tools).toEqual(['transfer_to_scheduler', 'find_free_slots']);
    expect(first.reply).toBe('Dr. Alice Smith is free tomorrow at 9 AM, 9:30 AM or 10 AM. Which time would you like?');
    expect(runner.agent).toBe('scheduler');

    const second = await say('nine thirty please');
    expect(second.tools).toEqual(['book_appointment']);
    expect(second.reply).toMatch(/^You're booked with Dr. Alice Smith tomorrow at 9:30 AM\./);
    expect(clinic.booked).toMatchObject([{ doctorId: smith.id, startsAt: '2026-11-24T09:30:00.000Z', status: 'booked' }]);
  });

  it('books straight away when the caller names a free time, and offers others when it is taken', async () => {
    const { clinic, say } = setup();
    await clinic.book({ doctorId: jones.id, startsAt: '2026-11-24T10:00:00.000Z' });
    const taken = await say('book me with doctor jones on tuesday at ten');
    expect(taken.reply).toBe('Sorry, 10 AM is not free. Dr. Brian Jones is free tomorrow at 9 AM, 9:30 AM or 2 PM. Which time would you like?');
    const ok = await say('two pm');
    expect(ok.tools).toEqual(['book_appointment']);
    expect(clinic.booked.map((b) => b.startsAt)).toContain('2026-11-24T14:00:00.000Z');
  });

  it('asks for the doctor and the day when they are missing', async () => {
    const { say } = setup();
    expect((await say('I want to make an appointment')).reply).toBe('We have Dr. Alice Smith or Dr. Brian Jones. Who would you like to see?');
    expect((await say('doctor smith')).reply).toBe('What day would you like to see Doctor Smith?');
    expect((await say('on friday')).reply).toMatch(/^Dr. Alice Smith is free on Friday at 9 AM/);
  });

  it('cancels and moves appointments after looking them up', async () => {
    const { clinic, say } = setup();
    await clinic.book({ doctorId: smith.id, startsAt: '2026-11-24T09:00:00.000Z' });
    const moved = await say('can I move my appointment to wednesday at nine thirty');
    expect(moved.tools).toEqual(['transfer_to_scheduler', 'list_my_appointments', 'find_free_slots', 'move_appointment']);
    expect(moved.reply).toMatch(/^Done\. Your appointment with Dr. Alice Smith is now on Wednesday at 9:30 AM\./);
    const cancelled = await say('please cancel my appointment');
    expect(cancelled.tools).toEqual(['list_my_appointments', 'cancel_appointment']);
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
    const reply = await say('nine am');
    expect(reply.reply).toMatch(/can't reach our scheduling system/);
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ tool: 'book_appointment', code: 'unavailable' }), 'clinic tool failed');
    clinic.failBooking = new ClinicError('conflict', 'slot taken');
    expect((await say('nine am')).reply).toMatch(/just taken/);
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
