import type { CompletionRequest, LanguageModel, LlmEvent } from '../llm/llm';
import type { AgentSet } from './agent-set';
import { AgentRunner, type RunnerEvent } from './runner';
import { END_CALL_TOOL, endCallTool, stringArg, transferTool, type Tool } from './tools';

/** A second agent set, nothing like a clinic: a library that lends books. The engine needs no change for it. */
interface Library {
  loans: string[];
}

const lend: Tool<Library> = {
  spec: { name: 'lend_book', description: 'Lend a book', parameters: { type: 'object', properties: { title: { type: 'string' } } } },
  run: async (args, ctx) => {
    const title = stringArg(args, 'title') ?? '';
    if (title === 'Lost') throw new Error('shelf not found');
    ctx.loans.push(title);
    return { result: { lent: title } };
  },
};

const LIBRARY: AgentSet<Library> = {
  agents: {
    desk: { name: 'desk', instructions: 'You are the front desk.', tools: [transferTool('lending', 'to borrow'), endCallTool('when the reader is done')] },
    lending: { name: 'lending', instructions: 'You lend books.', tools: [lend] },
  },
  start: 'desk',
  greeting: 'Library, hello.',
  apology: 'Sorry, try again.',
  situation: (ctx) => `${ctx.loans.length} books are out.`,
};

/** A model that follows a script: one step per call, and remembers what each call was given. */
class ScriptedModel implements LanguageModel {
  readonly name = 'scripted';
  readonly requests: CompletionRequest[] = [];
  constructor(private readonly steps: (LlmEvent[] | Error)[]) {}
  async check() {
    return { status: 'up' as const, detail: 'scripted' };
  }
  async *complete(request: CompletionRequest): AsyncGenerator<LlmEvent> {
    this.requests.push(request);
    const step = this.steps.shift() ?? [{ type: 'text', text: 'Done.' }];
    if (step instanceof Error) throw step;
    yield* step;
  }
}

const log = { warn: jest.fn(), error: jest.fn() };

async function reply(runner: AgentRunner<Library>, text: string): Promise<RunnerEvent[]> {
  const events: RunnerEvent[] = [];
  for await (const event of runner.respond(text)) events.push(event);
  return events;
}

describe('AgentRunner with an agent set defined outside the engine', () => {
  beforeEach(() => jest.clearAllMocks());

  it('hands over, runs the next agent’s tools with the set’s context, and tells the model the situation', async () => {
    const loans: string[] = [];
    const llm = new ScriptedModel([
      [{ type: 'tool_call', call: { id: '1', name: 'transfer_to_lending', arguments: {} } }],
      [{ type: 'tool_call', call: { id: '2', name: 'lend_book', arguments: { title: 'Dune' } } }],
      [{ type: 'text', text: 'Dune is yours.' }],
    ]);
    const runner = new AgentRunner({ llm, agents: LIBRARY, ctx: { loans }, log });
    expect(runner.agent).toBe('desk');

    const events = await reply(runner, 'I want to borrow Dune');
    expect(events).toEqual([
      { type: 'tool', agent: 'desk', name: 'transfer_to_lending', ok: true, ms: expect.any(Number) },
      { type: 'handoff', from: 'desk', to: 'lending' },
      { type: 'tool', agent: 'lending', name: 'lend_book', ok: true, ms: expect.any(Number) },
      { type: 'text', agent: 'lending', text: 'Dune is yours.' },
    ]);
    expect(loans).toEqual(['Dune']);
    expect(runner.agent).toBe('lending');
    expect(llm.requests[0].messages[0]).toEqual({ role: 'system', content: 'You are the front desk.\n0 books are out.' });
    expect(llm.requests[2].messages[0]).toEqual({ role: 'system', content: 'You lend books.\n1 books are out.' });
    expect(llm.requests[1].tools.map((t) => t.name)).toEqual(['lend_book']);
  });

  it('gives the model a bad argument’s message, and a crashed tool a generic failure that is logged', async () => {
    const llm = new ScriptedModel([
      [{ type: 'tool_call', call: { id: '1', name: 'lend_book', arguments: {} } }],
      [{ type: 'tool_call', call: { id: '2', name: 'lend_book', arguments: { title: 'Lost' } } }],
    ]);
    const runner = new AgentRunner({ llm, agents: LIBRARY, agent: 'lending', ctx: { loans: [] }, log });
    await reply(runner, 'lend me something');
    const toolResults = llm.requests[2].messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content));
    expect(toolResults).toEqual([{ error: 'argument "title" is required and must be a non-empty string' }, { error: 'the tool failed' }]);
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ tool: 'lend_book' }), 'tool crashed');
  });

  it('speaks the set’s apology when the model fails', async () => {
    const runner = new AgentRunner({ llm: new ScriptedModel([new Error('down')]), agents: LIBRARY, ctx: { loans: [] }, log });
    expect(await reply(runner, 'hello')).toEqual([{ type: 'text', agent: 'desk', text: 'Sorry, try again.' }]);
  });

  it('ends the call after the goodbye the model said with the end-call tool, and asks the model nothing more', async () => {
    const llm = new ScriptedModel([
      [
        { type: 'text', text: 'Happy reading, goodbye!' },
        { type: 'tool_call', call: { id: '1', name: END_CALL_TOOL, arguments: {} } },
      ],
    ]);
    const runner = new AgentRunner({ llm, agents: LIBRARY, ctx: { loans: [] }, log });
    expect(await reply(runner, "that's all, bye")).toEqual([
      { type: 'text', agent: 'desk', text: 'Happy reading, goodbye!' },
      { type: 'tool', agent: 'desk', name: END_CALL_TOOL, ok: true, ms: expect.any(Number) },
      { type: 'end_call', agent: 'desk' },
    ]);
    expect(llm.requests).toHaveLength(1);
    expect(llm.requests[0].tools.map((t) => t.name)).toContain(END_CALL_TOOL);
  });

  it('says a farewell when the model ends the call without a word', async () => {
    const llm = new ScriptedModel([[{ type: 'tool_call', call: { id: '1', name: END_CALL_TOOL, arguments: {} } }]]);
    const runner = new AgentRunner({ llm, agents: LIBRARY, ctx: { loans: [] }, log });
    const events = await reply(runner, 'bye');
    expect(events.filter((e) => e.type !== 'tool')).toEqual([
      { type: 'text', agent: 'desk', text: 'Goodbye.' },
      { type: 'end_call', agent: 'desk' },
    ]);
  });

  it('refuses to start with an agent the set does not define, inherited names included', () => {
    for (const agent of ['admin', 'constructor', 'toString']) {
      expect(() => new AgentRunner({ llm: new ScriptedModel([]), agents: LIBRARY, agent, ctx: { loans: [] }, log })).toThrow(/no agent named/);
    }
  });
});
