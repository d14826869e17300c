import type { AgentName } from '@voice/contracts/persistence';
import type { ChatMessage, LanguageModel, ToolCall } from '../llm/llm';
import { findAgent, type AgentDefinition, type AgentSet, type ToolFailure } from './agent-set';
import { ToolInputError } from './tools';

export type RunnerEvent =
  /** A piece of the active agent's reply, as the model streams it. */
  | { type: 'text'; agent: AgentName; text: string }
  | { type: 'handoff'; from: AgentName; to: AgentName }
  | { type: 'tool'; agent: AgentName; name: string; ok: boolean; ms: number }
  /** The agent ended the call (the end-call tool): hang up once this reply has been played out. */
  | { type: 'end_call'; agent: AgentName };

export interface RunnerLog {
  warn(data: Record<string, unknown>, message: string): void;
  error(data: Record<string, unknown>, message: string): void;
}

export interface AgentRunnerOptions<Ctx> {
  llm: LanguageModel;
  agents: AgentSet<Ctx>;
  ctx: Ctx;
  /** The agent the conversation starts with; the set's `start` when absent. */
  agent?: AgentName;
  log: RunnerLog;
  /** Model calls per reply before giving up (tool loops). */
  maxSteps?: number;
}

/** What a voice call needs of its agents: AgentRunner, whatever its tools' context. */
export interface AgentConversation {
  readonly agent: AgentName;
  greet(text: string): void;
  amendLastReply(heard: string): void;
  respond(userText: string, signal?: AbortSignal): AsyncIterable<RunnerEvent>;
}

const crashed = (err: unknown): ToolFailure => ({ result: { error: 'the tool failed' }, level: 'error', message: 'tool crashed', data: { err } });

/**
 * Runs a conversation's agents: one model call after another until the active agent has
 * spoken, executing tool calls and hand-offs on the way. Tool failures go back to the model
 * as results, and a failing model becomes a spoken apology: the call never dies here.
 */
export class AgentRunner<Ctx = unknown> implements AgentConversation {
  private readonly history: ChatMessage[] = [];
  private active: AgentDefinition<Ctx>;

  constructor(private readonly options: AgentRunnerOptions<Ctx>) {
    const name = options.agent ?? options.agents.start;
    const agent = findAgent(options.agents, name);
    if (!agent) throw new RangeError(`no agent named "${name}" (the agents are ${Object.keys(options.agents.agents).join(', ')})`);
    this.active = agent;
  }

  get agent(): AgentName {
    return this.active.name;
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
    const { llm, log, agents } = this.options;
    this.history.push({ role: 'user', content: userText });
    const maxSteps = this.options.maxSteps ?? 6;
    for (let step = 0; step < maxSteps; step++) {
      const agent = this.active;
      let text = '';
      const calls: ToolCall[] = [];
      try {
        for await (const event of llm.complete({ messages: [this.system(agent), ...this.history], tools: agent.tools.map((t) => t.spec), signal })) {
          if (event.type === 'text') {
            text += event.text;
            yield { type: 'text', agent: agent.name, text: event.text };
          } else calls.push(event.call);
        }
      } catch (err) {
        if (signal?.aborted) return;
        log.error({ err, agent: agent.name, llm: llm.name }, 'language model failed; apologising');
        yield* this.say(agent.name, text ? ` ${agents.apology}` : agents.apology, text);
        return;
      }
      if (calls.length === 0) {
        this.history.push({ role: 'assistant', content: text });
        return;
      }
      this.history.push({ role: 'assistant', content: text, toolCalls: calls });
      let ending = false;
      for (const call of calls) {
        if (signal?.aborted) return;
        const started = performance.now();
        const { content, handoff, endCall, ok } = await this.runTool(agent, call);
        ending ||= endCall === true;
        this.history.push({ role: 'tool', toolCallId: call.id, content });
        yield { type: 'tool', agent: agent.name, name: call.name, ok, ms: Math.round(performance.now() - started) };
        const next = handoff && handoff !== this.active.name ? findAgent(agents, handoff) : undefined;
        if (next) {
          yield { type: 'handoff', from: this.active.name, to: next.name };
          this.active = next;
        }
      }
      if (ending) {
        // The reply ends here: no more model calls. A model that called the tool without a word says the set's farewell.
        if (!text) yield* this.say(agent.name, agents.farewell ?? 'Goodbye.', '');
        yield { type: 'end_call', agent: agent.name };
        return;
      }
    }
    log.warn({ agent: this.active.name, maxSteps }, 'agent kept calling tools; apologising');
    yield* this.say(this.active.name, agents.apology, '');
  }

  private *say(agent: AgentName, text: string, before: string): Generator<RunnerEvent> {
    this.history.push({ role: 'assistant', content: before + text });
    yield { type: 'text', agent, text };
  }

  private system(agent: AgentDefinition<Ctx>): ChatMessage {
    const situation = this.options.agents.situation?.(this.options.ctx);
    return { role: 'system', content: situation ? `${agent.instructions}\n${situation}` : agent.instructions };
  }

  private async runTool(agent: AgentDefinition<Ctx>, call: ToolCall): Promise<{ content: string; handoff?: AgentName; endCall?: boolean; ok: boolean }> {
    const tool = agent.tools.find((t) => t.spec.name === call.name);
    if (!tool) return { content: JSON.stringify({ error: `no tool named ${call.name}` }), ok: false };
    try {
      const outcome = await tool.run(call.arguments, this.options.ctx);
      return { content: JSON.stringify(outcome.result), handoff: outcome.handoff, endCall: outcome.endCall, ok: true };
    } catch (err) {
      if (err instanceof ToolInputError) return { content: JSON.stringify({ error: err.message }), ok: false };
      const failure = this.options.agents.toolFailure?.(err) ?? crashed(err);
      this.options.log[failure.level]({ tool: call.name, ...failure.data }, failure.message);
      return { content: JSON.stringify(failure.result), ok: false };
    }
  }
}
