import type { ServerResponse } from 'node:http';
import { clientGone, sleep, startLocalServer, type LocalServer, type RecordedRequest } from '../cloud/testing/local-server';
import type { ChatMessage, CompletionRequest, LlmEvent, ToolSpec } from './llm';
import { OpenAiLlm } from './openai-llm';

const KEY = 'sk-test-0123456789abcdef';
const TOOLS: ToolSpec[] = [
  {
    name: 'find_free_slots',
    description: 'Free appointment slots for a doctor on a day',
    parameters: { type: 'object', properties: { doctor: { type: 'string' }, date: { type: 'string' } }, required: ['date'] },
  },
];
const MESSAGES: ChatMessage[] = [
  { role: 'system', content: 'You book appointments.' },
  { role: 'user', content: 'Is Dr Smith free on Thursday?' },
];

/** One `data:` line of a chat.completion.chunk, as OpenAI streams it. */
function chunk(delta: Record<string, unknown>, finishReason: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
}
const DONE = 'data: [DONE]\n\n';

function startSse(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
}

/** What every chat-completions request must look like, whichever server it goes to. */
function expectChatRequest(request: RecordedRequest): Record<string, unknown> {
  expect(request.method).toBe('POST');
  expect(request.headers['content-type']).toBe('application/json');
  const body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
  expect(body['stream']).toBe(true);
  expect(Array.isArray(body['messages'])).toBe(true);
  return body;
}

async function collect(events: AsyncIterable<LlmEvent>): Promise<LlmEvent[]> {
  const out: LlmEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe('OpenAI LLM (protocol test against a local server speaking the OpenAI chat-completions streaming API)', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const request = (extra: Partial<CompletionRequest> = {}): CompletionRequest => ({ messages: MESSAGES, tools: TOOLS, ...extra });

  it('sends the documented request and yields text pieces in order while the stream is still open', async () => {
    let releaseEnd!: () => void;
    const endReleased = new Promise<void>((resolve) => (releaseEnd = resolve));
    let serverEnded = false;
    server = await startLocalServer(async (req, res) => {
      if (req.url !== '/v1/chat/completions' || req.headers['authorization'] !== `Bearer ${KEY}`) {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message: 'Incorrect API key provided' } }));
        return;
      }
      startSse(res);
      res.write(chunk({ role: 'assistant', content: '' }));
      res.write(chunk({ content: 'Dr Smith' }));
      await sleep(20);
      res.write(': keep-alive comment\n\n');
      res.write(chunk({ content: ' is free' }));
      await endReleased;
      res.write(chunk({ content: ' at ten.' }));
      res.write(chunk({}, 'stop'));
      res.end(DONE);
      serverEnded = true;
    });
    const llm = new OpenAiLlm({ apiKey: KEY, baseUrl: `${server.origin}/v1`, model: 'gpt-4o-mini' });

    const texts: string[] = [];
    for await (const event of llm.complete(request())) {
      if (event.type !== 'text') throw new Error(`unexpected ${event.type}`);
      texts.push(event.text);
      if (texts.length === 2) {
        // Both pieces arrived while the server still holds the rest: streamed, not buffered.
        expect(serverEnded).toBe(false);
        releaseEnd();
      }
    }
    expect(texts).toEqual(['Dr Smith', ' is free', ' at ten.']);

    const body = expectChatRequest(server.requests[0]);
    expect(server.requests[0].headers['accept']).toBe('text/event-stream');
    expect(body).toMatchObject({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You book appointments.' },
        { role: 'user', content: 'Is Dr Smith free on Thursday?' },
      ],
      tool_choice: 'auto',
      tools: [{ type: 'function', function: { name: 'find_free_slots', description: TOOLS[0].description, parameters: TOOLS[0].parameters } }],
    });
  });

  it('assembles one tool call whose id, name and arguments arrive over several chunks', async () => {
    server = await startLocalServer((_req, res) => {
      startSse(res);
      res.write(
        chunk({
          role: 'assistant',
          content: null,
          tool_calls: [{ index: 0, id: 'call_abc', type: 'function', function: { name: 'find_free_slots', arguments: '' } }],
        }),
      );
      for (const piece of ['{"doc', 'tor":"Smith",', '"date":"2026-', '03-12"}'])
        res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
      res.write(chunk({}, 'tool_calls'));
      res.end(DONE);
    });
    const llm = new OpenAiLlm({ apiKey: KEY, baseUrl: `${server.origin}/v1`, model: 'gpt-4o-mini' });

    expect(await collect(llm.complete(request()))).toEqual([
      { type: 'tool_call', call: { id: 'call_abc', name: 'find_free_slots', arguments: { doctor: 'Smith', date: '2026-03-12' } } },
    ]);
  });

  it('assembles two parallel tool calls whose fragments interleave, in index order', async () => {
    server = await startLocalServer((_req, res) => {
      startSse(res);
      res.write(chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'find_free_slots', arguments: '{"date":' } }] }));
      res.write(chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_balance', arguments: '' } }] }));
      res.write(chunk({ tool_calls: [{ index: 1, function: { arguments: '{"patient' } }] }));
      res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: '"2026-03-12"}' } }] }));
      res.write(chunk({ tool_calls: [{ index: 1, function: { arguments: 'Id":42}' } }] }));
      res.write(chunk({}, 'tool_calls'));
      res.end(DONE);
    });
    const llm = new OpenAiLlm({ apiKey: KEY, baseUrl: `${server.origin}/v1`, model: 'gpt-4o-mini' });

    expect(await collect(llm.complete(request()))).toEqual([
      { type: 'tool_call', call: { id: 'call_a', name: 'find_free_slots', arguments: { date: '2026-03-12' } } },
      { type: 'tool_call', call: { id: 'call_b', name: 'get_balance', arguments: { patientId: 42 } } },
    ]);
  });

  it('maps earlier tool calls and tool results to the OpenAI message format, and sends no tools when there are none', async () => {
    server = await startLocalServer((_req, res) => {
      startSse(res);
      res.write(chunk({ content: 'Done.' }));
      res.end(DONE);
    });
    const llm = new OpenAiLlm({ apiKey: KEY, baseUrl: `${server.origin}/v1`, model: 'gpt-4o-mini' });
    const history: ChatMessage[] = [
      ...MESSAGES,
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'find_free_slots', arguments: { date: '2026-03-12' } }] },
      { role: 'tool', toolCallId: 'call_1', content: '{"slots":["10:00"]}' },
      { role: 'assistant', content: 'Ten o’clock is free.' },
    ];

    await collect(llm.complete({ messages: history, tools: [] }));

    const body = expectChatRequest(server.requests[0]);
    expect(body['messages']).toEqual([
      { role: 'system', content: 'You book appointments.' },
      { role: 'user', content: 'Is Dr Smith free on Thursday?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'find_free_slots', arguments: '{"date":"2026-03-12"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"slots":["10:00"]}' },
      { role: 'assistant', content: 'Ten o’clock is free.' },
    ]);
    expect(body).not.toHaveProperty('tools');
    expect(body).not.toHaveProperty('tool_choice');
  });

  it('speaks the Azure OpenAI form: deployment URL, api-version query and api-key header instead of Bearer', async () => {
    server = await startLocalServer((req, res) => {
      const azureForm =
        req.url === '/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21' &&
        req.headers['api-key'] === KEY &&
        req.headers['authorization'] === undefined;
      if (!azureForm) {
        res
          .writeHead(404, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist.' } }));
        return;
      }
      startSse(res);
      // Azure's first chunk carries prompt_filter_results and no choices.
      res.write(`data: ${JSON.stringify({ choices: [], prompt_filter_results: [{ prompt_index: 0 }] })}\n\n`);
      res.write(chunk({ content: 'Hello from Azure' }));
      res.end(DONE);
    });
    const llm = new OpenAiLlm({ apiKey: KEY, baseUrl: `${server.origin}/openai/deployments/gpt-4o-mini`, model: 'gpt-4o-mini', azureApiVersion: '2024-10-21' });

    expect(await collect(llm.complete(request()))).toEqual([{ type: 'text', text: 'Hello from Azure' }]);
    expect(llm.name).toBe('azure-openai');
  });

  it('sends no Authorization header at all to a keyless endpoint (Ollama)', async () => {
    server = await startLocalServer((req, res) => {
      if (req.headers['authorization'] !== undefined || req.headers['api-key'] !== undefined) {
        res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'unexpected credentials' }));
        return;
      }
      startSse(res);
      // Ollama sends each tool call whole, in one chunk.
      res.write(
        chunk({ tool_calls: [{ id: 'call_x', index: 0, type: 'function', function: { name: 'find_free_slots', arguments: '{"date":"2026-03-12"}' } }] }),
      );
      res.write(chunk({}, 'tool_calls'));
      res.end(DONE);
    });
    const llm = new OpenAiLlm({ baseUrl: `${server.origin}/v1`, model: 'llama3.1' });

    expect(await collect(llm.complete(request()))).toEqual([
      { type: 'tool_call', call: { id: 'call_x', name: 'find_free_slots', arguments: { date: '2026-03-12' } } },
    ]);
    expect(await llm.check()).toMatchObject({ status: 'up' });
    expect(await new OpenAiLlm({ model: 'gpt-4o-mini' }).check()).toMatchObject({ status: 'down' });
  });

  it.each([
    [
      429,
      { 'Content-Type': 'application/json' },
      JSON.stringify({ error: { message: `Rate limit reached for gpt-4o-mini (key ${KEY})`, type: 'requests', code: 'rate_limit_exceeded' } }),
      'OpenAI LLM: 429 Rate limit reached for gpt-4o-mini (key ***)',
    ],
    [500, { 'Content-Type': 'text/plain' }, 'upstream exploded', 'OpenAI LLM: 500 upstream exploded'],
  ])('turns HTTP %i into an error with the status and the provider message, never the key', async (status, headers, body, message) => {
    server = await startLocalServer((_req, res) => void res.writeHead(status, headers).end(body));
    const llm = new OpenAiLlm({ apiKey: KEY, baseUrl: `${server.origin}/v1`, model: 'gpt-4o-mini' });

    const error = await collect(llm.complete(request())).then(
      () => undefined,
      (err: unknown) => err as Error & { status?: number },
    );
    expect(error?.message).toBe(message);
    expect(error?.status).toBe(status);
    expect(error?.message).not.toContain(KEY);
  });

  it('reports tool-call arguments that are not valid JSON as an error', async () => {
    server = await startLocalServer((_req, res) => {
      startSse(res);
      res.write(chunk({ tool_calls: [{ index: 0, id: 'call_bad', type: 'function', function: { name: 'find_free_slots', arguments: '{"date": "2026-03' } }] }));
      res.write(chunk({}, 'tool_calls'));
      res.end(DONE);
    });
    const llm = new OpenAiLlm({ apiKey: KEY, baseUrl: `${server.origin}/v1`, model: 'gpt-4o-mini' });

    await expect(collect(llm.complete(request()))).rejects.toThrow('OpenAI LLM: tool call "find_free_slots" has arguments that are not valid JSON');
  });

  it('stops reading and closes the request when the caller aborts mid-stream', async () => {
    let gone: Promise<void> | undefined;
    server = await startLocalServer((_req, res) => {
      gone = clientGone(res);
      startSse(res);
      res.write(chunk({ content: 'Let me check' }));
      // Then nothing more: only the abort can end this stream.
    });
    const llm = new OpenAiLlm({ apiKey: KEY, baseUrl: `${server.origin}/v1`, model: 'gpt-4o-mini', timeoutMs: 60_000 });
    const abort = new AbortController();

    const texts: string[] = [];
    for await (const event of llm.complete(request({ signal: abort.signal }))) {
      if (event.type === 'text') texts.push(event.text);
      abort.abort();
    }
    expect(texts).toEqual(['Let me check']);
    await gone;
  });

  it('gives up with a timeout error when the server never answers', async () => {
    server = await startLocalServer(() => undefined);
    const llm = new OpenAiLlm({ apiKey: KEY, baseUrl: `${server.origin}/v1`, model: 'gpt-4o-mini', timeoutMs: 200 });

    await expect(collect(llm.complete(request()))).rejects.toThrow(`OpenAI LLM: no response within 200 ms from ${server.origin}`);
  });
});
