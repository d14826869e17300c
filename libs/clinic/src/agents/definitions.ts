import { getBalance, getClaims } from './billing-tools';
import { bookAppointment, cancelAppointment, findFreeSlots, listDoctors, listMyAppointments, moveAppointment } from './scheduling-tools';
import { endCallTool, transferTool, type AgentDefinition, type AgentSet } from '@voice/agent/agents';
import { VOICE_AGENT_NAMES, type VoiceAgentName } from '@voice/contracts/voice';
import { localDate, weekdayOf } from '../calendar/calendar';
import { clinicToolFailure } from './clinic-errors';
import type { ClinicContext, ClinicTool } from './context';

const OPENING_HOURS = 'Monday to Friday, 8 AM to 6 PM; closed on weekends';

const openingHours: ClinicTool = {
  spec: {
    name: 'get_opening_hours',
    description: "The clinic's opening hours.",
    parameters: { type: 'object', properties: {}, additionalProperties: false },
  },
  run: async () => ({ result: { hours: OPENING_HOURS } }),
};

const VOICE_STYLE =
  'You are on a phone call: answer in one or two short spoken sentences, no lists, no markdown, no emojis. ' +
  'Say times like "9:30 AM" and dates like "Tuesday". Never invent doctors, times or amounts: use the tools. ' +
  'When the caller says goodbye or that is all they need, and no question of yours is still open, say a short ' +
  'goodbye and call end_call in the same reply; never end the call while a booking, move or cancellation awaits their answer.';

/** Every clinic agent may end the call once the caller is done. */
const endCall = endCallTool('when the caller says goodbye or has nothing more to ask');

export const receptionist: AgentDefinition<ClinicContext> = {
  name: 'receptionist',
  instructions:
    `You are the receptionist of a medical clinic. Greet callers, answer questions about opening hours, ` +
    `and hand the caller over: appointments (booking, availability, moving, cancelling) go to the scheduler, ` +
    `balances and insurance claims go to billing. ${VOICE_STYLE}`,
  tools: [
    openingHours,
    transferTool('scheduler', 'for anything about appointments'),
    transferTool('billing', 'for balances, payments and insurance claims'),
    endCall,
  ],
};

export const scheduler: AgentDefinition<ClinicContext> = {
  name: 'scheduler',
  instructions:
    `You are the clinic's scheduler. Find free slots with find_free_slots (resolve weekdays to dates in the clinic's ` +
    `time zone; today's date is given below) and offer at most three times. To move or cancel, look the appointment ` +
    `up with list_my_appointments first. Ask only for what is missing of the doctor, the day and the time. ` +
    `Before book_appointment, move_appointment or cancel_appointment, say what you understood in one short question ` +
    `naming the doctor, the day and the time, like "Dr. Alice Smith on Tuesday at 10 AM — shall I book it?", and call ` +
    `the tool only after the caller says yes to that question; a yes that names another doctor, day or time is a ` +
    `correction. When the caller corrects one part ("No, Wednesday"), keep the others, check that the time is free ` +
    `and ask again; after a bare no, ask what to change. ${VOICE_STYLE}`,
  tools: [
    listDoctors,
    findFreeSlots,
    bookAppointment,
    listMyAppointments,
    moveAppointment,
    cancelAppointment,
    transferTool('billing', 'for balances and claims'),
    transferTool('receptionist', 'for anything that is not about appointments'),
    endCall,
  ],
};

export const billing: AgentDefinition<ClinicContext> = {
  name: 'billing',
  instructions: `You are the clinic's billing assistant: the caller's balance and the status of their insurance claims. ${VOICE_STYLE}`,
  tools: [getBalance, getClaims, transferTool('scheduler', 'for appointments'), transferTool('receptionist', 'for anything else'), endCall],
};

export const GREETING = 'Hello, thank you for calling the clinic. How can I help you today?';
export const APOLOGY = "I'm sorry, I'm having trouble with that right now. Could you try again in a moment?";

/** The clinic's front desk: the receptionist greets and routes, the scheduler books, billing answers money questions. */
export const CLINIC_AGENTS: AgentSet<ClinicContext> = {
  // Exactly the agents the voice contract names: a session may start with any of them and no other.
  agents: { receptionist, scheduler, billing } satisfies Record<VoiceAgentName, AgentDefinition<ClinicContext>>,
  start: 'receptionist',
  greeting: GREETING,
  apology: APOLOGY,
  farewell: 'Thank you for calling. Goodbye!',
  situation: ({ timezone, now, caller }) => {
    const today = localDate(now(), timezone);
    return `Today is ${weekdayOf(today)} ${today} in the clinic's time zone (${timezone}).` + (caller.name ? ` The caller is ${caller.name}.` : '');
  },
  toolFailure: clinicToolFailure,
};

/** Names of the clinic's agents, the one a conversation starts with first. */
export const CLINIC_AGENT_NAMES: readonly VoiceAgentName[] = VOICE_AGENT_NAMES;
