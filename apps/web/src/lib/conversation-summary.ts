import type { Conversation, Message } from '@voice/contracts/persistence';

const AGENT_LABEL: Record<string, string> = { receptionist: 'Receptionist', scheduler: 'Scheduler', billing: 'Billing' };
const CHANNEL_LABEL: Record<string, string> = { web: 'Web', phone: 'Phone', whatsapp: 'WhatsApp' };

const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** An agent's name as a speaker label: "Scheduler". */
export const agentLabel = (agent: string | null | undefined): string => (agent ? (AGENT_LABEL[agent] ?? capitalise(agent.replace(/[-_]+/g, ' '))) : 'Agent');
export const channelLabel = (channel: string): string => CHANNEL_LABEL[channel] ?? capitalise(channel);

/** Titles longer than this are cut at a word and end with an ellipsis. */
const TITLE_MAX = 80;

/** A request as a title: one line, capitalised (recognised speech comes in lower case), cut at a word when long. */
function asTitle(text: string): string {
  const flat = capitalise(text.replace(/\s+/g, ' ').trim());
  if (flat.length <= TITLE_MAX) return flat;
  const cut = flat.slice(0, TITLE_MAX - 1);
  const atWord = cut.lastIndexOf(' ');
  return `${(atWord > TITLE_MAX / 2 ? cut.slice(0, atWord) : cut).replace(/[\s,.;:!?-]+$/, '')}…`;
}

export interface ConversationSummary {
  /** What the call was about: its title, else the caller's first request. */
  title: string;
  /** The agents who spoke, in the order they first did ("Receptionist", "Scheduler"). */
  agents: string[];
}

/** What a conversation was about, as the list gives it: the caller's first words and the agents who answered. */
export interface AboutConversation {
  title: string | null;
  agent: string;
  firstRequest: string | null;
  agents: string[];
}

/** The same, worked out from a conversation's messages (the detail page has them all). */
export function aboutFromMessages(c: Pick<Conversation, 'title' | 'agent'> & { messages: Pick<Message, 'role' | 'agent' | 'text'>[] }): AboutConversation {
  const agents: string[] = [];
  for (const m of c.messages) if (m.role === 'agent' && m.agent && !agents.includes(m.agent)) agents.push(m.agent);
  const firstRequest = c.messages.find((m) => m.role === 'user' && m.text.trim())?.text ?? null;
  return { title: c.title, agent: c.agent, firstRequest, agents };
}

/**
 * What a conversation was about, for the history: its title if it has one, else the caller's first
 * request in their words, else (nobody asked anything) the agent it was with; and every agent who
 * answered, so a call the receptionist handed to the scheduler says so.
 */
export function conversationSummary(c: AboutConversation): ConversationSummary {
  const agents = c.agents.length > 0 ? [...new Set(c.agents.map(agentLabel))] : [agentLabel(c.agent)];
  const firstRequest = c.firstRequest?.trim();
  const title = c.title?.trim() || (firstRequest ? asTitle(firstRequest) : `Call with the ${agents[0].toLowerCase()}`);
  return { title, agents };
}
