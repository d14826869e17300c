import { spokenTime } from '../calendar/calendar';
import type { Intent } from './intents';
import type { SeenResult, Situation } from './situation';

export type Step = { tool: string; args?: Record<string, unknown> } | { say: string };

interface Slot {
  startsAt: string;
  localTime: string;
  time: string;
}
interface FreeSlots {
  doctor: string;
  date: string;
  spokenDate: string;
  slots: Slot[];
}
interface Described {
  appointmentId: string;
  doctor: string;
  date: string;
  spokenDate: string;
  time: string;
}

const SCHEDULING: Intent[] = ['book', 'availability', 'move', 'cancel', 'my_appointments', 'scheduling'];
const BILLING: Intent[] = ['balance', 'claims', 'billing'];
const ANYTHING_ELSE = 'Is there anything else I can help with?';

const has = (s: Situation, intents: Intent[]) => intents.some((i) => s.utterance.intents.has(i));
const on = (spokenDate: string) => (spokenDate === 'today' || spokenDate === 'tomorrow' ? spokenDate : `on ${spokenDate}`);
const list = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`);

function small(s: Situation): Step | undefined {
  const i = s.utterance.intents;
  if (i.has('goodbye')) return { say: 'Thank you for calling. Goodbye!' };
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

export function schedulerStep(s: Situation): Step {
  const last = s.since[s.since.length - 1];
  if (last?.result['error']) return { say: apology(last) };
  if (last) {
    const after = afterResult(s, last);
    if (after) return after;
  }
  if (has(s, BILLING)) return { tool: 'transfer_to_billing' };
  if (has(s, ['hours', 'receptionist'])) return { tool: 'transfer_to_receptionist' };
  if (s.utterance.intents.has('goodbye') || s.utterance.intents.has('thanks')) return small(s) as Step;
  const intent = s.intent;
  if (intent === 'cancel' || intent === 'my_appointments' || (intent === 'move' && !s.latest.has('list_my_appointments'))) {
    return { tool: 'list_my_appointments' };
  }
  if (intent === 'move') return moveStep(s, s.latest.get('list_my_appointments') as SeenResult);
  const offer = s.latest.get('find_free_slots')?.result as FreeSlots | undefined;
  const choosing = s.utterance.intents.has('yes') || s.utterance.intents.has('first') || s.utterance.time;
  if (offer && choosing && !s.utterance.doctor && (!s.utterance.day || s.date === offer.date)) return choose(s, offer);
  if (!s.doctor) return has(s, ['book', 'availability']) || s.utterance.day ? { tool: 'list_doctors' } : (small(s) ?? help());
  if (!s.date) return { say: `What day would you like to see Doctor ${titled(s.doctor)}?` };
  return { tool: 'find_free_slots', args: { doctor: s.doctor, date: s.date } };
}

const help = (): Step => ({ say: 'I can find free times, and book, move or cancel appointments. What would you like to do?' });
const titled = (name: string) => name.replace(/\b[a-z]/g, (c) => c.toUpperCase());

function afterResult(s: Situation, last: SeenResult): Step | undefined {
  const r = last.result;
  switch (last.name) {
    case 'list_doctors': {
      const names = (r['value'] as { name: string }[] | undefined) ?? (Object.values(r) as { name: string }[]);
      return { say: `We have ${list(names.map((d) => d.name))}. Who would you like to see?` };
    }
    case 'find_free_slots':
      return choose(s, r as unknown as FreeSlots, true);
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
      if (s.intent === 'cancel') return { tool: 'cancel_appointment', args: { appointmentId: target(s, appointments).appointmentId } };
      if (s.intent === 'move') return moveStep(s, last);
      const told = appointments.slice(0, 2).map((a) => `with ${a.doctor} ${on(a.spokenDate)} at ${a.time}`);
      return { say: `You have an appointment ${told.join(', and another ')}. ${ANYTHING_ELSE}` };
    }
    default:
      return undefined;
  }
}

function target(s: Situation, appointments: Described[]): Described {
  const named = s.utterance.doctor;
  return (named && appointments.find((a) => a.doctor.toLowerCase().includes(named.split(' ').pop() as string))) || appointments[0];
}

function moveStep(s: Situation, appointmentsSeen: SeenResult): Step {
  const appointments = appointmentsSeen.result['appointments'] as Described[];
  if (!appointments.length) return { say: 'You have no upcoming appointments to move. Would you like to book one?' };
  const appointment = target(s, appointments);
  const offer = s.latest.get('find_free_slots');
  const offered = offer && (offer.result as unknown as FreeSlots);
  if (offered && offered.doctor === appointment.doctor && (s.utterance.time || s.utterance.intents.has('yes')) && !s.utterance.day) {
    return choose(s, offered);
  }
  if (!s.utterance.day) return { say: `To which day would you like to move your appointment with ${appointment.doctor} ${on(appointment.spokenDate)}?` };
  return { tool: 'find_free_slots', args: { doctor: appointment.doctor, date: s.date } };
}

/** The caller picks from offered slots: book (or move) the one they chose, or offer again. */
function choose(s: Situation, offer: FreeSlots, justSearched = false): Step {
  const u = s.utterance;
  const wanted = u.time;
  const slots = offer.slots.filter((x) => !u.partOfDay || (u.partOfDay === 'morning') === x.localTime < '12:00');
  if (offer.slots.length === 0) return { say: `Sorry, ${offer.doctor} has no free times ${on(offer.spokenDate)}. Would another day work?` };
  const exact = wanted ? offer.slots.find((x) => x.localTime === wanted) : undefined;
  const pick = exact ?? (!wanted && !justSearched && (u.intents.has('yes') || u.intents.has('first')) ? (slots[0] ?? offer.slots[0]) : undefined);
  if (pick) {
    const appointments = s.latest.get('list_my_appointments')?.result['appointments'] as Described[] | undefined;
    if (s.intent === 'move' && appointments?.length) {
      return { tool: 'move_appointment', args: { appointmentId: target(s, appointments).appointmentId, startsAt: pick.startsAt } };
    }
    return { tool: 'book_appointment', args: { doctor: offer.doctor, startsAt: pick.startsAt } };
  }
  const options = (slots.length ? slots : offer.slots).slice(0, 3).map((x) => x.time);
  const prefix = wanted ? `Sorry, ${spokenTime(wanted)} is not free. ` : '';
  return { say: `${prefix}${offer.doctor} is free ${on(offer.spokenDate)} at ${list(options)}. Which time would you like?` };
}
