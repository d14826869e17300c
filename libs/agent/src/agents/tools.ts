import type { ToolSpec } from '../llm/llm';
import type { CallerIdentity, ClinicPort } from './clinic-port';

export type AgentName = 'receptionist' | 'scheduler' | 'billing';
export const AGENT_NAMES: readonly AgentName[] = ['receptionist', 'scheduler', 'billing'];

/** What a tool may use: the clinic, who is calling, and the clinic's calendar. */
export interface ToolContext {
  clinic: ClinicPort;
  caller: CallerIdentity;
  /** The clinic's IANA time zone: "Tuesday" and "9:30" mean Tuesday and 9:30 there. */
  timezone: string;
  now: () => Date;
}

export interface ToolOutcome {
  /** JSON the model reads back. */
  result: unknown;
  /** Set by transfer tools: the agent that takes the call from here. */
  handoff?: AgentName;
}

export interface Tool {
  spec: ToolSpec;
  run(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolOutcome>;
}

/** Thrown for arguments a model got wrong; the message goes back to the model, not to a log. */
export class ToolInputError extends Error {}

export function stringArg(args: Record<string, unknown>, name: string, required = true): string | undefined {
  const value = args[name];
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (required) throw new ToolInputError(`argument "${name}" is required and must be a non-empty string`);
  return undefined;
}

export function transferTool(to: AgentName, when: string): Tool {
  return {
    spec: {
      name: `transfer_to_${to}`,
      description: `Hand the caller to the ${to} agent ${when}. Say nothing before calling it; the ${to} continues the conversation.`,
      parameters: { type: 'object', properties: {}, additionalProperties: false },
    },
    run: async () => ({ result: { transferred_to: to }, handoff: to }),
  };
}
