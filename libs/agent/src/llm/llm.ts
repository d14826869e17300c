import type { CredentialProbe } from '../cloud/credential-probe';
import type { ProviderCheck } from '../stt/stt';

/** A chat turn in the OpenAI chat-completions sense, which every LLM provider maps from. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

export interface ToolCall {
  id: string;
  name: string;
  /** Parsed JSON arguments. */
  arguments: Record<string, unknown>;
}

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export type LlmEvent =
  /** A piece of the reply text, streamed as it is produced. */
  | { type: 'text'; text: string }
  /** A complete tool call (providers assemble streamed argument fragments before emitting). */
  | { type: 'tool_call'; call: ToolCall };

export interface CompletionRequest {
  messages: ChatMessage[];
  tools: ToolSpec[];
  signal?: AbortSignal;
}

export interface LanguageModel {
  readonly name: string;
  /** Streams one assistant turn: text pieces and/or tool calls, then ends. */
  complete(request: CompletionRequest): AsyncIterable<LlmEvent>;
  check(): Promise<ProviderCheck>;
  /** The cheap authenticated call that tells whether the provider accepts the configured credential; absent when there is none to check. */
  credentialProbe?(): CredentialProbe | undefined;
}
