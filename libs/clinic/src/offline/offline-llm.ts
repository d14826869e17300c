import { END_CALL_TOOL } from '@voice/agent/agents';
import type { ChatMessage, CompletionRequest, LanguageModel, LlmEvent } from '@voice/agent/llm';
import type { ProviderCheck } from '@voice/agent/stt';
import { addDays, localDate, nextWeekday, type Weekday } from '../calendar/calendar';
import { parseUtterance, type Intent, type ParsedUtterance } from './intents';
import { billingStep, receptionistStep, schedulerStep, type Step } from './policies';
import type { SeenResult, Situation } from './situation';

export interface OfflineLlmOptions {
  timezone: string;
  now?: () => Date;
}

const PRIMARY: Intent[] = ['cancel', 'move', 'my_appointments', 'book', 'availability', 'hours', 'balance', 'claims', 'billing', 'scheduling', 'receptionist'];

/**
 * The offline language model: a deterministic agent that reads the caller's words against the
 * agents' intents and calls the same tools, with the same arguments, a cloud model would. It is
 * stateless like a chat model: every decision comes from the message history it is given.
 */
export class OfflineLlm implements LanguageModel {
  readonly name = 'offline';
  private calls = 0;

  constructor(private readonly options: OfflineLlmOptions) {}

  async check(): Promise<ProviderCheck> {
    return { status: 'up', detail: 'built-in rule-and-tool agent' };
  }

  async *complete(request: CompletionRequest): AsyncGenerator<LlmEvent> {
    const tools = new Set(request.tools.map((t) => t.name));
    const situation = this.read(request.messages);
    const policy = tools.has('find_free_slots') ? schedulerStep : tools.has('get_balance') ? billingStep : receptionistStep;
    const step: Step = situation ? policy(situation) : { say: 'Hello! How can I help you today?' };
    if (request.signal?.aborted) return;
    if ('tool' in step) {
      yield { type: 'tool_call', call: { id: `call_${++this.calls}`, name: step.tool, arguments: step.args ?? {} } };
      return;
    }
    for (const sentence of step.say.match(/[^.!?]+[.!?]*\s*/g) ?? [step.say]) yield { type: 'text', text: sentence };
    // A goodbye, said in full, then the end-call tool (when the agent has it), as a cloud model would.
    if ('endCall' in step && tools.has(END_CALL_TOOL)) yield { type: 'tool_call', call: { id: `call_${++this.calls}`, name: END_CALL_TOOL, arguments: {} } };
  }

  private read(messages: ChatMessage[]): Situation | undefined {
    const userIndexes = messages.flatMap((m, i) => (m.role === 'user' ? [i] : []));
    if (userIndexes.length === 0) return undefined;
    const last = userIndexes[userIndexes.length - 1];
    const utterances = userIndexes.map((i) => parseUtterance((messages[i] as { content: string }).content));
    const utterance = utterances[utterances.length - 1];
    const results = this.results(messages);
    const today = localDate(this.options.now?.() ?? new Date(), this.options.timezone);
    const earlier = [...utterances].reverse();
    const dayFrom = earlier.find((u) => u.day);
    return {
      utterance,
      intent: earlier
        .slice(0, 3)
        .map((u) => PRIMARY.find((i) => u.intents.has(i)))
        .find(Boolean),
      since: results.filter((r) => r.index > last).map((r) => r.seen),
      latest: new Map(results.map((r) => [r.seen.name, r.seen])),
      before: new Map(results.filter((r) => r.index < last).map((r) => [r.seen.name, r.seen])),
      said: messages
        .slice(0, last)
        .flatMap((m) => (m.role === 'assistant' && m.content ? [m.content] : []))
        .slice(-2)
        .reverse(),
      doctor: earlier.find((u) => u.doctor)?.doctor,
      date: dayFrom ? resolveDay(dayFrom, today) : undefined,
      today,
    };
  }

  private results(messages: ChatMessage[]) {
    const calls = new Map<string, { name: string; args: Record<string, unknown> }>();
    const out: { index: number; seen: SeenResult }[] = [];
    messages.forEach((m, index) => {
      if (m.role === 'assistant') for (const c of m.toolCalls ?? []) calls.set(c.id, { name: c.name, args: c.arguments });
      if (m.role !== 'tool') return;
      const call = calls.get(m.toolCallId);
      if (!call || call.name.startsWith('transfer_to_')) return;
      out.push({ index, seen: { ...call, result: safeJson(m.content) } });
    });
    return out;
  }
}

function resolveDay(u: ParsedUtterance, today: string): string | undefined {
  if (u.day === 'today') return today;
  if (u.day === 'tomorrow') return addDays(today, 1);
  return u.day ? nextWeekday(u.day as Weekday, today, u.nextWeek) : undefined;
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : { value };
  } catch {
    return { value: text };
  }
}
