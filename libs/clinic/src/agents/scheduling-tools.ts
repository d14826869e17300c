import type { Appointment, Doctor } from '@voice/contracts/persistence';
import { localDate, localTime, spokenDate, spokenTime } from '../calendar/calendar';
import type { ClinicPort, CallerIdentity } from './clinic-port';
import { stringArg, ToolInputError } from '@voice/agent/agents';
import type { ClinicContext, ClinicTool } from './context';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const nameWords = (name: string) =>
  name
    .toLowerCase()
    .replace(/\b(dr|doctor)\b\.?/g, ' ')
    .split(/[^a-z]+/)
    .filter(Boolean);

/** Finds the doctor a caller or model named ("Smith", "doctor alice smith", "Dr. Alice Smith"). */
async function resolveDoctor(clinic: ClinicPort, spoken: string): Promise<Doctor> {
  const doctors = await clinic.doctors();
  const words = new Set(nameWords(spoken));
  const scored = doctors
    .map((d) => ({ d, score: nameWords(d.name).filter((w) => words.has(w)).length }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score);
  if (scored.length === 0 || (scored.length > 1 && scored[0].score === scored[1].score)) {
    throw new ToolInputError(`no single doctor matches "${spoken}"; the doctors are ${doctors.map((d) => d.name).join(', ')}`);
  }
  return scored[0].d;
}

async function patientOf(clinic: ClinicPort, caller: CallerIdentity) {
  const patient = await clinic.patient(caller);
  if (!patient) throw new ToolInputError('the caller has no patient record yet, so there are no appointments to look up');
  return patient;
}

function describe(a: Appointment, doctors: Doctor[], ctx: ClinicContext) {
  const today = localDate(ctx.now(), ctx.timezone);
  const start = new Date(a.startsAt);
  return {
    appointmentId: a.id,
    doctor: doctors.find((d) => d.id === a.doctorId)?.name ?? 'unknown doctor',
    date: localDate(start, ctx.timezone),
    spokenDate: spokenDate(localDate(start, ctx.timezone), today),
    time: spokenTime(localTime(start, ctx.timezone)),
    startsAt: a.startsAt,
    status: a.status,
  };
}

const object = (properties: Record<string, unknown>, required: string[]) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const doctorParam = { type: 'string', description: 'The doctor as the caller named them, e.g. "Smith" or "Alice Smith".' };
const startsAtParam = { type: 'string', description: 'startsAt of a slot exactly as find_free_slots returned it.' };

export const listDoctors: ClinicTool = {
  spec: { name: 'list_doctors', description: "List the clinic's doctors and their specialties.", parameters: object({}, []) },
  run: async (_args, ctx) => ({ result: (await ctx.clinic.doctors()).map((d) => ({ name: d.name, specialty: d.specialty })) }),
};

export const findFreeSlots: ClinicTool = {
  spec: {
    name: 'find_free_slots',
    description: "Free appointment times of one doctor on one date (the clinic's local date).",
    parameters: object({ doctor: doctorParam, date: { type: 'string', description: 'YYYY-MM-DD in the clinic time zone.' } }, ['doctor', 'date']),
  },
  async run(args, ctx) {
    const date = stringArg(args, 'date') as string;
    if (!DATE.test(date)) throw new ToolInputError('argument "date" must be YYYY-MM-DD');
    const doctor = await resolveDoctor(ctx.clinic, stringArg(args, 'doctor') as string);
    const found = await ctx.clinic.slots(doctor.id, date);
    return {
      result: {
        doctor: doctor.name,
        date,
        spokenDate: spokenDate(date, localDate(ctx.now(), ctx.timezone)),
        slots: found.slots.map((s) => ({ startsAt: s.startsAt, localTime: s.localTime, time: spokenTime(s.localTime) })),
      },
    };
  },
};

export const bookAppointment: ClinicTool = {
  spec: {
    name: 'book_appointment',
    description: 'Book the caller into a free slot. Only after the caller said yes to your question naming this doctor, day and time.',
    parameters: object({ doctor: doctorParam, startsAt: startsAtParam, reason: { type: 'string' } }, ['doctor', 'startsAt']),
  },
  async run(args, ctx) {
    const doctor = await resolveDoctor(ctx.clinic, stringArg(args, 'doctor') as string);
    const booked = await ctx.clinic.book({
      doctorId: doctor.id,
      startsAt: stringArg(args, 'startsAt') as string,
      reason: stringArg(args, 'reason', false),
      caller: ctx.caller,
    });
    return { result: { booked: describe(booked, [doctor], ctx) } };
  },
};

export const listMyAppointments: ClinicTool = {
  spec: { name: 'list_my_appointments', description: "The caller's upcoming appointments.", parameters: object({}, []) },
  async run(_args, ctx) {
    const patient = await ctx.clinic.patient(ctx.caller);
    if (!patient) return { result: { appointments: [] } };
    const [appointments, doctors] = await Promise.all([ctx.clinic.appointments(patient.id), ctx.clinic.doctors()]);
    return { result: { appointments: appointments.filter((a) => a.status === 'booked').map((a) => describe(a, doctors, ctx)) } };
  },
};

export const moveAppointment: ClinicTool = {
  spec: {
    name: 'move_appointment',
    description:
      "Move one of the caller's appointments to another free slot of the same doctor. Only after the caller said yes to your question naming the new day and time.",
    parameters: object({ appointmentId: { type: 'string' }, startsAt: startsAtParam }, ['appointmentId', 'startsAt']),
  },
  async run(args, ctx) {
    await patientOf(ctx.clinic, ctx.caller);
    const moved = await ctx.clinic.move(stringArg(args, 'appointmentId') as string, stringArg(args, 'startsAt') as string);
    return { result: { moved: describe(moved, await ctx.clinic.doctors(), ctx) } };
  },
};

export const cancelAppointment: ClinicTool = {
  spec: {
    name: 'cancel_appointment',
    description: "Cancel one of the caller's appointments. Only after the caller said yes to your question naming it.",
    parameters: object({ appointmentId: { type: 'string' } }, ['appointmentId']),
  },
  async run(args, ctx) {
    await patientOf(ctx.clinic, ctx.caller);
    const cancelled = await ctx.clinic.cancel(stringArg(args, 'appointmentId') as string);
    return { result: { cancelled: describe(cancelled, await ctx.clinic.doctors(), ctx) } };
  },
};
