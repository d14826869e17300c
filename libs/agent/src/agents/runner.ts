import type { ChatMessage, LanguageModel, ToolCall } from '../llm/llm';
import { localDate, weekdayOf } from './calendar';
import { ClinicError } from './clinic-port';
import { AGENTS, type AgentDefinition } from './definitions';
import { ToolInputError, type AgentName, type ToolContext } from './tools';

export type RunnerEvent =
  /** A piece of the active agent's reply, as the model streams it. */
  | { type: 'text'; agent: AgentName; text: string }
  | { type: 'handoff'; from: AgentName; to: AgentName }
  | { type: 'tool'; agent: AgentName; name: string; ok: boolean; ms: number };

export interface RunnerLog {
  warn(data: Record<string, unknown>, message: string): void;
  error(data: Record<string, unknown>, message: string): void;
}

export interface AgentRunnerOptions {
  llm: LanguageModel;
  ctx: ToolContext;
  agent?: AgentName;
  log: RunnerLog;
  /** Model calls per reply before giving up (tool loops). */
  maxSteps?: number;
}

export const APOLOGY = "I'm sorry, I'm having trouble with that right now. Could you try again in a moment?";

const CLINIC_ERRORS: Record<ClinicError['code'], string> = {
  conflict: 'that time was just taken by someone else',
  not_found: 'the clinic has no such record',
  invalid: 'the clinic system refused the request',
  unavailable: 'the clinic system is not reachable right now',
};

/**
 * Runs the conversation's agents: one model call after another until the active agent has
 * spoken, executing tool calls and hand-offs on the way. Tool failures go back to the model
 * as results, and a failing model becomes a spoken apology: the call never dies here.
 */
export class AgentRunner {
  private readonly history: ChatMessage[] = [];
  private active: AgentName;

  constructor(private readonly options: AgentRunnerOptions) {
    this.active = options.agent ?? 'receptionist';
  }

  get agent(): AgentName {
    return this.active;
  }

  /** The agent's opening line, recorded so the model knows it was said. */
  greet(text: string): void {
    this.history.push({ role: 'assistant', content: text });
  }

  /** Replaces the last reply with what the caller actually heard (after a barge-in). */
  amendLastReply(heard: string): void {
    for (let i = this.history.length - 1; i >= 0; i--) {
      const m = this.history[i];
      if (m.role === 'assistant' && m.content && !m.toolCalls?.length) {
        this.history[i] = { role: 'assistant', content: heard ? `${heard}… (interrupted)` : '(interrupted before speaking)' };
        return;
      }
    }
  }

  async *respond(userText: string, signal?: AbortSignal): AsyncGenerator<RunnerEvent> {
    this.history.push({ role: 'user', content: userText });
    const maxSteps = this.options.maxSteps ?? 6;
    for (let step = 0; step < maxSteps; step++) {
      const agent = AGENTS[this.active];
      let text = '';
      const calls: ToolCall[] = [];
      try {
        for await (const event of this.options.llm.complete({
          messages: [this.system(agent), ...this.history],
          tools: agent.tools.map((t) => t.spec),
          signal,
        })) {
          if (event.type === 'text') {
            text += event.text;
            yield { type: 'text', agent: agent.name, text: event.text };
          } else calls.push(event.call);
        }
      } catch (err) {
        if (signal?.aborted) return;
        this.options.log.error({ err, agent: agent.name, llm: this.options.llm.name }, 'language model failed; apologising');
        yield* this.say(agent.name, text ? ` ${APOLOGY}` : APOLOGY, text);
        return;
      }
      if (calls.length === 0) {
        this.history.push({ role: 'assistant', content: text });
        return;
      }
      this.history.push({ role: 'assistant', content: text, toolCalls: calls });
      for (const call of calls) {
        if (signal?.aborted) return;
        const started = performance.now();
        const { content, handoff, ok } = await this.runTool(agent, call);
        this.history.push({ role: 'tool', toolCallId: call.id, content });
        yield { type: 'tool', agent: agent.name, name: call.name, ok, ms: Math.round(performance.now() - started) };
        if (handoff && handoff !== this.active) {
          yield { type: 'handoff', from: this.active, to: handoff };
          this.active = handoff;
        }
      }
    }
    this.options.log.warn({ agent: this.active, maxSteps }, 'agent kept calling tools; apologising');
    yield* this.say(this.active, APOLOGY, '');
  }

  private *say(agent: AgentName, text: string, before: string): Generator<RunnerEvent> {
    this.history.push({ role: 'assistant', content: before + text });
    yield { type: 'text', agent, text };
  }

  private system(agent: AgentDefinition): ChatMessage {
    const { timezone, now, caller } = this.options.ctx;
    const today = localDate(now(), timezone);
    return {
      role: 'system',
      content:
        `${agent.instructions}\nToday is ${weekdayOf(today)} ${today} in the clinic's time zone (${timezone}).` +
        (caller.name ? ` The caller is ${caller.name}.` : ''),
    };
  }

  private async runTool(agent: AgentDefinition, call: ToolCall): Promise<{ content: string; handoff?: AgentName; ok: boolean }> {
    const tool = agent.tools.find((t) => t.spec.name === call.name);
    if (!tool) return { content: JSON.stringify({ error: `no tool named ${call.name}` }), ok: false };
    try {
      const outcome = await tool.run(call.arguments, this.options.ctx);
      return { content: JSON.stringify(outcome.result), handoff: outcome.handoff, ok: true };
    } catch (err) {
      if (err instanceof ToolInputError) return { content: JSON.stringify({ error: err.message }), ok: false };
      if (err instanceof ClinicError) {
        const log = err.code === 'unavailable' ? this.options.log.error : this.options.log.warn;
        log.call(this.options.log, { tool: call.name, code: err.code, reason: err.message }, 'clinic tool failed');
        return { content: JSON.stringify({ error: CLINIC_ERRORS[err.code], code: err.code }), ok: false };
      }
      this.options.log.error({ err, tool: call.name }, 'tool crashed');
      return { content: JSON.stringify({ error: CLINIC_ERRORS.unavailable, code: 'unavailable' }), ok: false };
    }
  }
}
