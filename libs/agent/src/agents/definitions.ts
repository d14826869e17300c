import { getBalance, getClaims } from './billing-tools';
import { bookAppointment, cancelAppointment, findFreeSlots, listDoctors, listMyAppointments, moveAppointment } from './scheduling-tools';
import { transferTool, type AgentName, type Tool } from './tools';

export const OPENING_HOURS = 'Monday to Friday, 8 AM to 6 PM; closed on weekends';

export interface AgentDefinition {
  name: AgentName;
  /** The system prompt a cloud model gets; the offline model follows the same rules in code. */
  instructions: string;
  tools: Tool[];
}

const openingHours: Tool = {
  spec: {
    name: 'get_opening_hours',
    description: "The clinic's opening hours.",
    parameters: { type: 'object', properties: {}, additionalProperties: false },
  },
  run: async () => ({ result: { hours: OPENING_HOURS } }),
};

const VOICE_STYLE =
  'You are on a phone call: answer in one or two short spoken sentences, no lists, no markdown, no emojis. ' +
  'Say times like "9:30 AM" and dates like "Tuesday". Never invent doctors, times or amounts: use the tools.';

export const receptionist: AgentDefinition = {
  name: 'receptionist',
  instructions:
    `You are the receptionist of a medical clinic. Greet callers, answer questions about opening hours, ` +
    `and hand the caller over: appointments (booking, availability, moving, cancelling) go to the scheduler, ` +
    `balances and insurance claims go to billing. ${VOICE_STYLE}`,
  tools: [openingHours, transferTool('scheduler', 'for anything about appointments'), transferTool('billing', 'for balances, payments and insurance claims')],
};

export const scheduler: AgentDefinition = {
  name: 'scheduler',
  instructions:
    `You are the clinic's scheduler. Find free slots with find_free_slots (resolve weekdays to dates in the clinic's ` +
    `time zone; today's date is given below), offer at most three times, and book only a time the caller chose or ` +
    `confirmed. To move or cancel, look the appointment up with list_my_appointments first. ${VOICE_STYLE}`,
  tools: [
    listDoctors,
    findFreeSlots,
    bookAppointment,
    listMyAppointments,
    moveAppointment,
    cancelAppointment,
    transferTool('billing', 'for balances and claims'),
    transferTool('receptionist', 'for anything that is not about appointments'),
  ],
};

export const billing: AgentDefinition = {
  name: 'billing',
  instructions: `You are the clinic's billing assistant: the caller's balance and the status of their insurance claims. ${VOICE_STYLE}`,
  tools: [getBalance, getClaims, transferTool('scheduler', 'for appointments'), transferTool('receptionist', 'for anything else')],
};

export const AGENTS: Record<AgentName, AgentDefinition> = { receptionist, scheduler, billing };

export const GREETING = 'Hello, thank you for calling the clinic. How can I help you today?';
