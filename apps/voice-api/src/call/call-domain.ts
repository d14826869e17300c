import type { AgentConversation, RunnerLog } from '@voice/agent/agents';
import type { LanguageModel } from '@voice/agent/llm';
import type { AgentName } from '@voice/contracts/persistence';

/** Who is on a call: a signed-in user, or a phone or WhatsApp caller known by number. */
export interface Caller {
  userId?: string;
  phone?: string;
  name?: string;
}

/**
 * What voice-api's calls need from the domain they serve (the clinic, see ../domain.ts): its agents,
 * their opening line, and the domain's own offline model and recognition grammar for the offline engines.
 */
export interface CallDomain {
  /** The agents a conversation may start with. */
  readonly agentNames: readonly AgentName[];
  readonly greeting: string;
  /** The language model for LLM_PROVIDER=offline. */
  offlineLlm(): LanguageModel;
  /** The JSGF grammar for the offline recogniser (STT_PROVIDER=pocketsphinx). */
  recognitionGrammar(): Promise<string>;
  /**
   * Whether a caller's words so far make a complete request, judged at a pause so a complete one
   * ends the turn sooner. Absent: silence alone ends a turn.
   */
  isCompleteTurn?(text: string): boolean;
  /**
   * What a key the caller pressed on their phone (DTMF: 0-9, *, #) says to the agents, as words they
   * understand ("press 1 to confirm"); undefined for a key that means nothing. Absent: keys are ignored.
   */
  keypad?(digit: string): string | undefined;
  /** One call's agents, starting with `agent` (the domain's first when absent). */
  agents(o: { llm: LanguageModel; caller: Caller; agent?: AgentName; log: RunnerLog }): AgentConversation;
}
