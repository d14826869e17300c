import { spokenTime } from '../calendar/calendar';
import type { Intent } from './intents';
import { act, changeQuestion, confirmation, on, pendingAction, type Pending } from './confirmation';
import type { Described, FreeSlots, SeenResult, Situation } from './situation';

/** What the offline agent does next: call a tool, or speak (and, with `endCall`, hang up once it has been heard). */
export type Step = { tool: string; args?: Record<string, unknown> } | { say: string; endCall?: true };

const SCHEDULING: Intent[] = ['book', 'availability', 'move', 'cancel', 'my_appointments', 'scheduling'];
const BILLING: Intent[] = ['balance', 'claims', 'billing'];
const ANYTHING_ELSE = 'Is there anything else I can help with?';

const has = (s: Situation, intents: Intent[]) => intents.some((i) => s.utterance.intents.has(i));
const list = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`);

function small(s: Situation): Step | undefined {
  const i = s.utterance.intents;
  if (i.has('goodbye')) return { say: 'Thank you for calling. Goodbye!', endCall: true };
  if (i.has('thanks')) return { say: `You're welcome. ${ANYTHING_ELSE}` };
  if (i.has('greeting')) return { say: 'Hello! How can I help you today?' };
  if (i.has('no')) return { say: `All right. ${ANYTHING_ELSE}` };
  return undefined;
}

function apology(seen: SeenResult): string {
  const error = String(seen.result['error']);
  if (seen.result['code'] === 'conflict') return 'Sorry, that time was just taken by someone else. Would you like another time?';
  if (seen.result['code'] === 'unavailable') return "I'm sorry, I can't reach our scheduling system right now. Please try again in a few minutes.";
  const doctors = /the doctors are (.+)$/.exec(error);
  if (doctors) return `Sorry, I didn't catch which doctor. We have ${list(doctors[1].split(', '))}. Who would you like to see?`;
  if (/no patient record/.test(error)) return "I couldn't find any appointments for you.";
  return 'Sorry, I could not do that. Could you say it another way?';
}

export function receptionistStep(s: Situation): Step {
  const last = s.since[s.since.length - 1];
  if (last?.name === 'get_opening_hours') return { say: `We're open ${String(last.result['hours'])}. ${ANYTHING_ELSE}` };
  if (has(s, SCHEDULING) || s.utterance.doctor || (s.utterance.time && s.latest.has('find_free_slots'))) return { tool: 'transfer_to_scheduler' };
  if (has(s, BILLING)) return { tool: 'transfer_to_billing' };
  if (has(s, ['hours'])) return { tool: 'get_opening_hours' };
  return small(s) ?? { say: 'I can help with appointments, opening hours and billing questions. What would you like to do?' };
}

export function billingStep(s: Situation): Step {
  const last = s.since[s.since.length - 1];
  if (last?.result['error']) return { say: apology(last) };
  if (last?.name === 'get_balance') {
    const cents = Number(last.result['balanceCents']);
    return {
      say: cents > 0 ? `Your outstanding balance is ${String(last.result['balance'])}. ${ANYTHING_ELSE}` : `You have no outstanding balance. ${ANYTHING_ELSE}`,
    };
  }
  if (last?.name === 'get_claims') {
    const claims = last.result['claims'] as { reference: string; status: string; amount: string }[];
    if (!claims.length) return { say: `I don't see any insurance claims for you. ${ANYTHING_ELSE}` };
    const [c, ...rest] = claims;
    const more = rest.length ? ` You have ${rest.length} other claim${rest.length > 1 ? 's' : ''} on file.` : '';
    return { say: `Your most recent claim, ${c.reference} for ${c.amount}, is ${c.status}.${more} ${ANYTHING_ELSE}` };
  }
  if (has(s, ['balance'])) return { tool: 'get_balance' };
  if (has(s, ['claims'])) return { tool: 'get_claims' };
  if (has(s, SCHEDULING) || s.utterance.doctor) return { tool: 'transfer_to_scheduler' };
  if (has(s, ['hours', 'receptionist'])) return { tool: 'transfer_to_receptionist' };
  return small(s) ?? { say: 'I can tell you your balance or the status of your insurance claims. Which would you like?' };
}

/** Requests that leave a pending action behind rather than answer it ("no, cancel my appointment" after "shall I book it?"). */
const ELSEWHERE: Record<Pending['kind'], Intent[]> = {
  book: ['cancel', 'my_appointments'],
  move: ['cancel', 'my_appointments'],
  cancel: ['book', 'move', 'my_appointments'],
};

/**
 * The scheduler never books, moves or cancels on the caller's request itself: it first asks one
 * question naming the doctor, day and time (confirmation.ts), and acts only on a yes to exactly
 * that question, so a misheard request costs a "no", never a wrong appointment.
 */
export function schedulerStep(s: Situation): Step {
  const last = s.since[s.since.length - 1];
  if (last?.result['error']) return { say: apology(last) };
  const pending = pendingAction(s);
  if (last) {
    const after = afterResult(s, last, pending?.pending);
    if (after) return after;
  }
  if (has(s, BILLING)) return { tool: 'transfer_to_billing' };
  if (has(s, ['hours', 'receptionist'])) return { tool: 'transfer_to_receptionist' };
  const answer = pending && answerTo(s, pending.pending, pending.asked);
  if (answer) return answer;
  // A goodbye while a booking, move or cancellation awaits a yes or no does not end the call: the
  // question is asked again ("no, goodbye" declines it, and then ends the call).
  if (pending?.asked && s.utterance.intents.has('goodbye') && !s.utterance.intents.has('no')) return { say: confirmation(pending.pending) };
  if (s.utterance.intents.has('goodbye') || s.utterance.intents.has('thanks')) return small(s) as Step;
  const intent = s.intent;
  if (intent === 'cancel' || intent === 'my_appointments' || (intent === 'move' && !s.latest.has('list_my_appointments'))) {
    return { tool: 'list_my_appointments' };
  }
  if (intent === 'move') return moveStep(s, s.latest.get('list_my_appointments') as SeenResult);
  const offer = s.latest.get('find_free_slots')?.result as FreeSlots | undefined;
  const choosing = s.utterance.intents.has('yes') || s.utterance.intents.has('first') || s.utterance.time;
  if (offer && choosing && !s.utterance.doctor && (!s.utterance.day || s.date === offer.date)) {
    return choose(s, offer, { wanted: s.utterance.time, moving: moving(s) });
  }
  if (!s.doctor) return has(s, ['book', 'availability']) || s.utterance.day ? { tool: 'list_doctors' } : (small(s) ?? help());
  if (!s.date) return { say: `What day would you like to see Doctor ${titled(s.doctor)}?` };
  return { tool: 'find_free_slots', args: { doctor: s.doctor, date: s.date } };
}

const help = (): Step => ({ say: 'I can find free times, and book, move or cancel appointments. What would you like to do?' });
const titled = (name: string) => name.replace(/\b[a-z]/g, (c) => c.toUpperCase());
const isYes = (s: Situation) => s.utterance.intents.has('yes') && !s.utterance.intents.has('no');

/** Whether a doctor the caller named ("smith", "alice smith") is `doctor` ("Dr. Alice Smith"). */
function sameDoctor(named: string, doctor: string): boolean {
  const surname = named.split(' ').pop() as string;
  return doctor
    .toLowerCase()
    .split(/[^a-z]+/)
    .includes(surname);
}

/**
 * The caller's answer to a confirmation question, or to "what would you like to change?" after it
 * (`asked` false): a yes to the question acts; naming a doctor, day or time that differs is a
 * correction of that one slot, the others kept, even after a yes; a bare no asks what to change.
 */
function answerTo(s: Situation, p: Pending, asked: boolean): Step | undefined {
  const u = s.utterance;
  if (ELSEWHERE[p.kind].some((i) => u.intents.has(i))) return undefined;
  if (p.kind === 'cancel') {
    const corrected = otherAppointment(s, p.appointment);
    if (corrected) return corrected;
  } else {
    // A move stays with its doctor: another doctor's name picks another appointment to move.
    if (p.kind === 'move' && u.doctor && !sameDoctor(u.doctor, p.offer.doctor)) return undefined;
    const c = correction(s, p);
    if (c && (c.doctor !== p.offer.doctor || c.date !== p.offer.date)) return { tool: 'find_free_slots', args: { doctor: c.doctor, date: c.date } };
    if (c) return choose(s, p.offer, { wanted: c.time, moving: movingOf(p) });
  }
  if (isYes(s)) return asked ? act(p) : { say: confirmation(p) };
  if (u.intents.has('no') && !u.intents.has('goodbye')) {
    if (p.kind === 'cancel') return { say: `All right, I'll keep it. ${ANYTHING_ELSE}` };
    return { say: asked ? changeQuestion(p) : `All right. ${ANYTHING_ELSE}` };
  }
  return undefined;
}

/** The booking or move the caller asked for instead of a pending one ("No, Wednesday"): what they named, the rest kept. */
function correction(s: Situation, p: Exclude<Pending, { kind: 'cancel' }>): { doctor: string; date: string; time: string } | undefined {
  const u = s.utterance;
  const doctor = u.doctor && !sameDoctor(u.doctor, p.offer.doctor) ? u.doctor : undefined;
  const date = u.day && s.date !== p.offer.date ? s.date : undefined;
  const time = u.time && u.time !== p.slot.localTime ? u.time : undefined;
  if ((doctor && p.kind === 'move') || (!doctor && !date && !time)) return undefined;
  return { doctor: doctor ?? p.offer.doctor, date: date ?? p.offer.date, time: time ?? p.slot.localTime };
}

/** The appointment to cancel when the caller names another one than the question did ("No, the one with Doctor Jones"). */
function otherAppointment(s: Situation, asked: Described): Step | undefined {
  const u = s.utterance;
  if (!u.doctor && !u.day && !u.time) return undefined;
  const appointments = (s.before.get('list_my_appointments')?.result['appointments'] as Described[] | undefined) ?? [];
  const meant = named(s, appointments, true);
  if (!meant) return { say: `Sorry, I don't see that appointment. You have ${told(appointments)}. Which one shall I cancel?` };
  return meant.appointmentId === asked.appointmentId ? undefined : { say: confirmation({ kind: 'cancel', appointment: meant }) };
}

/** "an appointment with Dr. Alice Smith tomorrow at 9 AM, and another with …" */
const told = (appointments: Described[]) =>
  `an appointment ${appointments
    .slice(0, 2)
    .map((a) => `with ${a.doctor} ${on(a.spokenDate)} at ${a.time}`)
    .join(', and another ')}`;

function afterResult(s: Situation, last: SeenResult, pending: Pending | undefined): Step | undefined {
  const r = last.result;
  switch (last.name) {
    case 'list_doctors': {
      const names = (r['value'] as { name: string }[] | undefined) ?? (Object.values(r) as { name: string }[]);
      return { say: `We have ${list(names.map((d) => d.name))}. Who would you like to see?` };
    }
    case 'find_free_slots': {
      // A search for a correction ("No, Wednesday") keeps the time and the action asked about.
      const c = pending && pending.kind !== 'cancel' ? correction(s, pending) : undefined;
      if (c && pending && last.args['doctor'] === c.doctor && last.args['date'] === c.date) {
        return choose(s, r as unknown as FreeSlots, { wanted: c.time, justSearched: true, moving: movingOf(pending) });
      }
      return choose(s, r as unknown as FreeSlots, { wanted: s.utterance.time, justSearched: true, moving: moving(s) });
    }
    case 'book_appointment': {
      const b = r['booked'] as Described;
      return { say: `You're booked with ${b.doctor} ${on(b.spokenDate)} at ${b.time}. ${ANYTHING_ELSE}` };
    }
    case 'move_appointment': {
      const m = r['moved'] as Described;
      return { say: `Done. Your appointment with ${m.doctor} is now ${on(m.spokenDate)} at ${m.time}. ${ANYTHING_ELSE}` };
    }
    case 'cancel_appointment': {
      const c = r['cancelled'] as Described;
      return { say: `Your appointment with ${c.doctor} ${on(c.spokenDate)} at ${c.time} is cancelled. ${ANYTHING_ELSE}` };
    }
    case 'list_my_appointments': {
      const appointments = r['appointments'] as Described[];
      if (!appointments.length) return { say: 'You have no upcoming appointments. Would you like to book one?' };
      if (s.intent === 'cancel') return { say: confirmation({ kind: 'cancel', appointment: target(s, appointments, true) }) };
      if (s.intent === 'move') return moveStep(s, last);
      return { say: `You have ${told(appointments)}. ${ANYTHING_ELSE}` };
    }
    default:
      return undefined;
  }
}

/** The appointment the caller named: by doctor, and with `byWhen` by day and time too (for a move those say where it goes). */
function named(s: Situation, appointments: Described[], byWhen: boolean): Described | undefined {
  const u = s.utterance;
  const date = byWhen && u.day ? s.date : undefined;
  const time = byWhen && u.time ? spokenTime(u.time) : undefined;
  return appointments.find((a) => (!u.doctor || sameDoctor(u.doctor, a.doctor)) && (!date || a.date === date) && (!time || a.time === time));
}

const target = (s: Situation, appointments: Described[], byWhen = false): Described => named(s, appointments, byWhen) ?? appointments[0];

/** The appointment a request is moving, if it is a move. */
function moving(s: Situation): Described | undefined {
  const appointments = s.latest.get('list_my_appointments')?.result['appointments'] as Described[] | undefined;
  return s.intent === 'move' && appointments?.length ? target(s, appointments) : undefined;
}

const movingOf = (p: Pending) => (p.kind === 'move' ? p.appointment : undefined);

function moveStep(s: Situation, appointmentsSeen: SeenResult): Step {
  const appointments = appointmentsSeen.result['appointments'] as Described[];
  if (!appointments.length) return { say: 'You have no upcoming appointments to move. Would you like to book one?' };
  const appointment = target(s, appointments);
  const offer = s.latest.get('find_free_slots');
  const offered = offer && (offer.result as unknown as FreeSlots);
  if (offered && offered.doctor === appointment.doctor && (s.utterance.time || s.utterance.intents.has('yes')) && !s.utterance.day) {
    return choose(s, offered, { wanted: s.utterance.time, moving: appointment });
  }
  if (!s.utterance.day) return { say: `To which day would you like to move your appointment with ${appointment.doctor} ${on(appointment.spokenDate)}?` };
  return { tool: 'find_free_slots', args: { doctor: appointment.doctor, date: s.date } };
}

/**
 * The caller picks from offered slots: ask to confirm the one they chose (booking it, or moving
 * `moving` there), or offer times again. `wanted` is the time asked for; right after a search a
 * bare yes picks nothing, since the caller has not heard the times yet.
 */
function choose(s: Situation, offer: FreeSlots, how: { wanted?: string; justSearched?: boolean; moving?: Described }): Step {
  const u = s.utterance;
  const { wanted } = how;
  const slots = offer.slots.filter((x) => !u.partOfDay || (u.partOfDay === 'morning') === x.localTime < '12:00');
  if (offer.slots.length === 0) return { say: `Sorry, ${offer.doctor} has no free times ${on(offer.spokenDate)}. Would another day work?` };
  const exact = wanted ? offer.slots.find((x) => x.localTime === wanted) : undefined;
  const pick = exact ?? (!wanted && !how.justSearched && (u.intents.has('yes') || u.intents.has('first')) ? (slots[0] ?? offer.slots[0]) : undefined);
  if (pick) {
    return { say: confirmation(how.moving ? { kind: 'move', offer, slot: pick, appointment: how.moving } : { kind: 'book', offer, slot: pick }) };
  }
  const options = (slots.length ? slots : offer.slots).slice(0, 3).map((x) => x.time);
  const prefix = wanted ? `Sorry, ${spokenTime(wanted)} is not free. ` : '';
  return { say: `${prefix}${offer.doctor} is free ${on(offer.spokenDate)} at ${list(options)}. Which time would you like?` };
}
