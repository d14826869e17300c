import { parseUtterance, type Intent, type ParsedUtterance } from './intents';

type Slots = Pick<ParsedUtterance, 'doctor' | 'day' | 'time' | 'nextWeek' | 'partOfDay'>;

const slotsOf = (u: ParsedUtterance): Slots => {
  const slots: Slots = { doctor: u.doctor, day: u.day, time: u.time, nextWeek: u.nextWeek || undefined, partOfDay: u.partOfDay };
  return Object.fromEntries(Object.entries(slots).filter(([, v]) => v !== undefined)) as Slots;
};

describe('parseUtterance', () => {
  it.each<[string, Intent, Slots]>([
    // Polite preambles and other ways of asking to book.
    ['I was wondering if I could see doctor Jones on Friday', 'book', { doctor: 'jones', day: 'friday' }],
    ['is it possible to get in with doctor Carmen Lopez tomorrow', 'book', { doctor: 'carmen lopez', day: 'tomorrow' }],
    ["um so I'd like to book a checkup for next Thursday", 'book', { day: 'thursday', nextWeek: true }],
    ['could you schedule me in with doctor Smith at quarter past ten', 'book', { doctor: 'smith', time: '10:15' }],
    ['can I get an appointment at half past two on Monday', 'book', { day: 'monday', time: '14:30' }],
    ['I need a visit with doctor Brown at ten thirty a.m.', 'book', { doctor: 'brown', time: '10:30' }],
    ['book me with doctor Alice Smith at three p.m.', 'book', { doctor: 'alice smith', time: '15:00' }],
    ['book with doctor Jones at seven in the evening', 'book', { doctor: 'jones', time: '19:00' }],
    ['schedule an appointment at quarter to four', 'book', { time: '15:45' }],
    // Availability.
    ['does doctor Brown have any openings on Wednesday', 'availability', { doctor: 'brown', day: 'wednesday' }],
    ['is doctor Lopez in today', 'availability', { doctor: 'lopez', day: 'today' }],
    ['what times do you have on Tuesday afternoon', 'availability', { day: 'tuesday', partOfDay: 'afternoon' }],
    ['do you have anything open with doctor Jones', 'availability', { doctor: 'jones' }],
    ['who is working tomorrow', 'availability', { day: 'tomorrow' }],
    // Moving and cancelling.
    ['could you push my appointment back to Thursday', 'move', { day: 'thursday' }],
    ['move my appointment from Monday to Wednesday', 'move', { day: 'wednesday' }],
    ['reschedule it to eleven on Friday instead', 'move', { day: 'friday', time: '11:00' }],
    ["I won't be able to make it tomorrow so please cancel it", 'cancel', { day: 'tomorrow' }],
    // The caller's own appointments, hours, billing and hand-offs.
    ['remind me when my appointment is', 'my_appointments', {}],
    ['when is my next consultation', 'my_appointments', {}],
    ['what time do you close today', 'hours', { day: 'today' }],
    ['what time does the clinic open on Saturday', 'hours', { day: 'saturday' }],
    ['how late are you open', 'hours', {}],
    ['what do I owe', 'balance', {}],
    ['has my insurance claim been paid yet', 'claims', {}],
    ['I have a question about my account', 'billing', {}],
    ['could you put me through to the front desk', 'receptionist', {}],
    ['can I talk to a person', 'receptionist', {}],
    ['put me through to scheduling', 'scheduling', {}],
    // Answers to the agent's questions.
    ['yes please go ahead', 'yes', {}],
    ["that's right", 'yes', {}],
    ['correct', 'yes', {}],
    ['um yeah that works for me', 'yes', {}],
    ['book that one please', 'yes', {}],
    ['nope', 'no', {}],
    ['no, Wednesday', 'no', { day: 'wednesday' }],
    ['not Tuesday, Thursday', 'no', { day: 'thursday' }],
    ['no not three four', 'no', { time: '16:00' }],
    ['actually make it three', 'no', { time: '15:00' }],
    ['no, I meant ten thirty', 'no', { time: '10:30' }],
    ['no, not doctor Jones, doctor Lopez', 'no', { doctor: 'lopez' }],
    ['the first one please', 'first', {}],
    ['the next available one', 'first', {}],
    ['whichever is soonest', 'first', {}],
    ['hi there', 'greeting', {}],
    ['thanks so much', 'thanks', {}],
    ['have a nice day', 'goodbye', {}],
  ])('reads "%s" as %s with its slots', (text, intent, slots) => {
    const u = parseUtterance(text);
    expect([...u.intents]).toContain(intent);
    expect(slotsOf(u)).toEqual(slots);
  });

  it('takes no bare number for a time unless something introduces it', () => {
    // Noise at the end of an utterance comes back as a stray "two": it must not book two o'clock.
    expect(parseUtterance('I would like to book an appointment with doctor Smith on Tuesday two').time).toBeUndefined();
    expect(parseUtterance('the first one please').time).toBeUndefined();
    expect(parseUtterance('no, not that one').time).toBeUndefined();
    expect(parseUtterance('at two').time).toBe('14:00');
    expect(parseUtterance('two').time).toBe('14:00');
  });

  it('reads hesitations as nothing, without losing a yes or a no at the start', () => {
    expect([...parseUtterance('um yes').intents]).toEqual(['yes']);
    expect([...parseUtterance('uh no').intents]).toEqual(['no']);
    expect(parseUtterance('um').intents.size).toBe(0);
    expect(parseUtterance('nine oh five').time).toBe('09:05');
  });

  it('does not take "actually, yes" for a correction', () => {
    expect(parseUtterance('actually yes that is fine').intents.has('no')).toBe(false);
  });

  it('sends "talk to someone about billing" to billing, not the receptionist', () => {
    const u = parseUtterance('can I talk to someone about billing');
    expect(u.intents.has('billing')).toBe(true);
    expect(u.intents.has('receptionist')).toBe(false);
  });
});
