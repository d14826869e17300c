import type { AgentName } from '@voice/contracts/persistence';
import type { Tool } from './tools';

export interface AgentDefinition<Ctx> {
  name: AgentName;
  /** The system prompt a cloud model gets. */
  instructions: string;
  tools: Tool<Ctx>[];
}

/** How a tool failure reads to the model, and how it is logged. */
export interface ToolFailure {
  /** JSON the model reads back instead of a result. */
  result: Record<string, unknown>;
  level: 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
}

/**
 * A team of agents that hand a conversation to each other: everything domain-specific the engine's
 * runner needs. The engine knows no domain; a domain library defines one of these.
 */
export interface AgentSet<Ctx> {
  agents: Readonly<Record<AgentName, AgentDefinition<Ctx>>>;
  /** The agent a conversation starts with when none is named. */
  start: AgentName;
  /** The opening line of a voice call. */
  greeting: string;
  /** Said when the model fails or loops: the call never dies in the runner. */
  apology: string;
  /** Said when an agent ends the call without a word of its own; "Goodbye." when absent. */
  farewell?: string;
  /** Appended to the active agent's instructions on every model call (today's date, the caller's name, …). */
  situation?(ctx: Ctx): string;
  /** Turns a tool's exception (other than ToolInputError) into what the model reads back. */
  toolFailure?(err: unknown): ToolFailure;
}

/** The set's agent of that name; own properties only, so "constructor" names no agent. */
export function findAgent<Ctx>(set: AgentSet<Ctx>, name: AgentName): AgentDefinition<Ctx> | undefined {
  return Object.hasOwn(set.agents, name) ? set.agents[name] : undefined;
}
