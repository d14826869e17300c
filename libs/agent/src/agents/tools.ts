import type { AgentName } from '@voice/contracts/persistence';
import type { ToolSpec } from '../llm/llm';

export interface ToolOutcome {
  /** JSON the model reads back. */
  result: unknown;
  /** Set by transfer tools: the agent that takes the call from here. */
  handoff?: AgentName;
  /** Set by the end-call tool: the call ends once this reply has been played out. */
  endCall?: boolean;
}

/** A function the model may call; `Ctx` is whatever the agent set gives its tools. */
export interface Tool<Ctx> {
  spec: ToolSpec;
  run(args: Record<string, unknown>, ctx: Ctx): Promise<ToolOutcome>;
}

/** Thrown for arguments a model got wrong; the message goes back to the model, not to a log. */
export class ToolInputError extends Error {}

export function stringArg(args: Record<string, unknown>, name: string, required = true): string | undefined {
  const value = args[name];
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (required) throw new ToolInputError(`argument "${name}" is required and must be a non-empty string`);
  return undefined;
}

/** A tool that hands the conversation to another agent of the same set. */
export function transferTool(to: AgentName, when: string): Tool<unknown> {
  return {
    spec: {
      name: `transfer_to_${to}`,
      description: `Hand the caller to the ${to} agent ${when}. Say nothing before calling it; the ${to} continues the conversation.`,
      parameters: { type: 'object', properties: {}, additionalProperties: false },
    },
    run: async () => ({ result: { transferred_to: to }, handoff: to }),
  };
}

/** The name of the tool an agent calls to end the call (endCallTool). */
export const END_CALL_TOOL = 'end_call';

/**
 * A tool that ends the call once the agent's reply has been played out: the model says its goodbye
 * in the same reply, then calls it. The runner asks the model nothing more after it.
 */
export function endCallTool(when: string): Tool<unknown> {
  return {
    spec: {
      name: END_CALL_TOOL,
      description: `End the call ${when}. Say your goodbye in the same reply; the call hangs up once it has been heard.`,
      parameters: { type: 'object', properties: {}, additionalProperties: false },
    },
    run: async () => ({ result: { ending_call: true }, endCall: true }),
  };
}
