import type { CredentialProbe } from '../cloud/credential-probe';
import { isAbortError, ProviderError } from '../cloud/errors';
import { cloudFetch, joinUrl } from '../cloud/http';
import { openAiCredentialProbe } from '../cloud/openai-credential';
import { parseSse } from '../cloud/sse';
import type { ProviderCheck } from '../stt/stt';
import type { ChatMessage, CompletionRequest, LanguageModel, LlmEvent, ToolCall, ToolSpec } from './llm';

export interface OpenAiLlmOptions {
  /** Absent for keyless endpoints (Ollama, a local vLLM): then no Authorization header is sent. */
  apiKey?: string;
  /**
   * `https://api.openai.com/v1`, `http://localhost:11434/v1` (Ollama), or for Azure the deployment
   * URL `https://<resource>.openai.azure.com/openai/deployments/<deployment>`.
   */
  baseUrl?: string;
  /** Model name; Azure routes by deployment and ignores it. */
  model: string;
  /** Set for Azure OpenAI: sends `api-key` instead of Bearer and appends `?api-version=`. */
  azureApiVersion?: string;
  /** Limit for the first byte of the answer and for every later gap in the stream. Default 30 s. */
  timeoutMs?: number;
  temperature?: number;
}

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Chat completions against any OpenAI-compatible endpoint, streamed, with tool calls. */
export class OpenAiLlm implements LanguageModel {
  readonly name: string;
  private readonly provider: string;
  private readonly baseUrl: string;

  constructor(private readonly options: OpenAiLlmOptions) {
    this.baseUrl = options.baseUrl ?? OPENAI_BASE_URL;
    this.name = options.azureApiVersion ? 'azure-openai' : 'openai';
    this.provider = options.azureApiVersion ? 'Azure OpenAI LLM' : 'OpenAI LLM';
  }

  async check(): Promise<ProviderCheck> {
    if (!this.options.model && !this.options.azureApiVersion) return { status: 'down', detail: `${this.provider}: no model configured` };
    if (this.options.apiKey)
      return { status: 'up', detail: `${this.provider}: API key set (model ${this.options.model || 'per deployment'} at ${this.baseUrl})` };
    if (this.options.azureApiVersion || this.baseUrl === OPENAI_BASE_URL) {
      return { status: 'down', detail: `${this.provider}: API key missing for ${this.baseUrl}` };
    }
    return { status: 'up', detail: `${this.provider}: no API key, assuming a keyless endpoint (Ollama, vLLM) at ${this.baseUrl}` };
  }

  credentialProbe(): CredentialProbe | undefined {
    return openAiCredentialProbe({ apiKey: this.options.apiKey, baseUrl: this.baseUrl, azureApiVersion: this.options.azureApiVersion });
  }

  async *complete(request: CompletionRequest): AsyncGenerator<LlmEvent> {
    const { apiKey, azureApiVersion } = this.options;
    const url = joinUrl(this.baseUrl, 'chat/completions') + (azureApiVersion ? `?api-version=${encodeURIComponent(azureApiVersion)}` : '');
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'text/event-stream' };
    if (apiKey && azureApiVersion) headers['api-key'] = apiKey;
    else if (apiKey) headers['Authorization'] = `Bearer ${apiKey}`;

    const body: Record<string, unknown> = { model: this.options.model, messages: request.messages.map(toOpenAiMessage), stream: true };
    if (request.tools.length > 0) {
      // OpenAI rejects an empty `tools` array, so it is only sent when there is a tool.
      body['tools'] = request.tools.map(toOpenAiTool);
      body['tool_choice'] = 'auto';
    }
    if (this.options.temperature !== undefined) body['temperature'] = this.options.temperature;

    try {
      const response = await cloudFetch({
        provider: this.provider,
        url,
        headers,
        body: JSON.stringify(body),
        timeoutMs: this.options.timeoutMs ?? 30_000,
        signal: request.signal,
        secrets: [apiKey],
      });
      const calls = new ToolCallAssembler(this.provider);
      for await (const event of parseSse(response.chunks())) {
        if (event.data === '[DONE]') break;
        const chunk = parseChunk(this.provider, event.data);
        const choice = chunk.choices?.[0];
        const text = choice?.delta?.content;
        if (text) yield { type: 'text', text };
        for (const fragment of choice?.delta?.tool_calls ?? []) calls.add(fragment);
        if (choice?.finish_reason === 'tool_calls') yield* calls.drain();
      }
      yield* calls.drain();
    } catch (err) {
      if (isAbortError(err) && request.signal?.aborted) return;
      throw err;
    }
  }
}

interface OpenAiToolCallFragment {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

interface OpenAiChunk {
  choices?: { delta?: { content?: string | null; tool_calls?: OpenAiToolCallFragment[] }; finish_reason?: string | null }[];
  error?: unknown;
}

function parseChunk(provider: string, data: string): OpenAiChunk {
  let chunk: OpenAiChunk;
  try {
    chunk = JSON.parse(data) as OpenAiChunk;
  } catch {
    throw new ProviderError(provider, `stream carried a line that is not JSON: ${data.slice(0, 80)}`);
  }
  // Some compatible servers (vLLM, Ollama) report failures mid-stream as an `error` object.
  if (chunk.error) throw new ProviderError(provider, `stream error: ${JSON.stringify(chunk.error).slice(0, 200)}`);
  return chunk;
}

/** Joins streamed tool-call fragments (id and name first, arguments in pieces) by their index. */
class ToolCallAssembler {
  private readonly parts = new Map<number, { id?: string; name: string; arguments: string }>();
  private emitted = 0;

  constructor(private readonly provider: string) {}

  add(fragment: OpenAiToolCallFragment): void {
    const index = fragment.index ?? this.parts.size;
    const part = this.parts.get(index) ?? { name: '', arguments: '' };
    if (fragment.id) part.id = fragment.id;
    // OpenAI sends the name once; some compatible servers repeat it in every fragment.
    const name = fragment.function?.name;
    if (name && name !== part.name) part.name += name;
    if (fragment.function?.arguments) part.arguments += fragment.function.arguments;
    this.parts.set(index, part);
  }

  *drain(): Generator<LlmEvent> {
    const ordered = [...this.parts.entries()].sort(([a], [b]) => a - b);
    this.parts.clear();
    for (const [, part] of ordered) {
      if (!part.name) throw new ProviderError(this.provider, 'stream ended with a tool call that has no function name');
      yield {
        type: 'tool_call',
        call: { id: part.id ?? `call_${++this.emitted}`, name: part.name, arguments: this.parseArguments(part.name, part.arguments) },
      };
    }
  }

  private parseArguments(name: string, text: string): Record<string, unknown> {
    if (text.trim() === '') return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ProviderError(this.provider, `tool call "${name}" has arguments that are not valid JSON: ${text.slice(0, 120)}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ProviderError(this.provider, `tool call "${name}" has arguments that are not a JSON object: ${text.slice(0, 120)}`);
    }
    return parsed as Record<string, unknown>;
  }
}

function toOpenAiMessage(message: ChatMessage): Record<string, unknown> {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant':
      if (!message.toolCalls?.length) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        // OpenAI wants null, not "", beside tool calls with no words.
        content: message.content || null,
        tool_calls: message.toolCalls.map(toOpenAiToolCall),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

function toOpenAiToolCall(call: ToolCall): Record<string, unknown> {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } };
}

function toOpenAiTool(tool: ToolSpec): Record<string, unknown> {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}
