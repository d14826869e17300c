import type { Described, FreeSlots, SeenResult, Situation, Slot } from './situation';

/** An action that changes the calendar, waiting for the caller's yes. */
export type Pending =
  | { kind: 'book'; offer: FreeSlots; slot: Slot }
  | { kind: 'move'; offer: FreeSlots; slot: Slot; appointment: Described }
  | { kind: 'cancel'; appointment: Described };

export const on = (spokenDate: string) => (spokenDate === 'today' || spokenDate === 'tomorrow' ? spokenDate : `on ${spokenDate}`);

/** The one short question that names exactly what will be done. */
export function confirmation(p: Pending): string {
  switch (p.kind) {
    case 'book':
      return `${p.offer.doctor} ${on(p.offer.spokenDate)} at ${p.slot.time} — shall I book it?`;
    case 'move':
      return `${p.offer.doctor} ${on(p.offer.spokenDate)} at ${p.slot.time} instead of ${on(p.appointment.spokenDate)} at ${p.appointment.time} — shall I move it?`;
    case 'cancel':
      return `Your appointment with ${p.appointment.doctor} ${on(p.appointment.spokenDate)} at ${p.appointment.time} — shall I cancel it?`;
  }
}

/** Asked after a bare "no": a move keeps its doctor, so only the day or the time can change. */
export const changeQuestion = (p: Pending) =>
  p.kind === 'move' ? 'What would you like to change: the day or the time?' : 'What would you like to change: the doctor, the day or the time?';

/** Every action the agent could have asked about from these results. */
function candidates(results: Map<string, SeenResult>): Pending[] {
  const offer = results.get('find_free_slots')?.result as FreeSlots | undefined;
  const appointments = (results.get('list_my_appointments')?.result['appointments'] as Described[] | undefined) ?? [];
  const slots = offer?.slots ?? [];
  return [
    ...appointments.map((appointment): Pending => ({ kind: 'cancel', appointment })),
    ...(offer ? slots.map((slot): Pending => ({ kind: 'book', offer, slot })) : []),
    ...(offer
      ? appointments
          .filter((a) => a.doctor === offer.doctor)
          .flatMap((appointment) => slots.map((slot): Pending => ({ kind: 'move', offer, slot, appointment })))
      : []),
  ];
}

/**
 * The action the agent's last words asked the caller to confirm. The offline model is stateless,
 * so this is read back from the history rather than remembered: it is the action whose question,
 * rebuilt from the tool results the caller had heard about, equals the agent's last reply word for
 * word. A question cut short by a barge-in, an apology or an offer of times matches none, so a yes
 * after them confirms nothing. `asked` is false when the last reply asked what to change after a
 * bare "no": the action is still there to correct, but a yes does not act on it.
 */
export function pendingAction(s: Situation): { pending: Pending; asked: boolean } | undefined {
  const all = candidates(s.before);
  const [last, earlier] = s.said;
  const asked = all.find((p) => confirmation(p) === last);
  if (asked) return { pending: asked, asked: true };
  const before = all.find((p) => confirmation(p) === earlier);
  return before && last === changeQuestion(before) ? { pending: before, asked: false } : undefined;
}

/** The tool call that carries out a confirmed action. */
export function act(p: Pending): { tool: string; args: Record<string, unknown> } {
  switch (p.kind) {
    case 'book':
      return { tool: 'book_appointment', args: { doctor: p.offer.doctor, startsAt: p.slot.startsAt } };
    case 'move':
      return { tool: 'move_appointment', args: { appointmentId: p.appointment.appointmentId, startsAt: p.slot.startsAt } };
    case 'cancel':
      return { tool: 'cancel_appointment', args: { appointmentId: p.appointment.appointmentId } };
  }
}
