import { AgentRunner } from '@voice/agent/agents';
import { CLINIC_AGENT_NAMES, CLINIC_AGENTS, type ClinicContext } from '@voice/clinic/agents';
import { isCompleteRequest, OfflineLlm } from '@voice/clinic/offline';
import { buildClinicGrammar } from '@voice/clinic/recognition';
import type { VoiceApiConfig } from '@voice/config/voice-api';
import type { CallDomain } from '../call/call-domain';
import type { PersistenceClient } from '../persistence/persistence-client';
import { PersistenceClinic } from './persistence-clinic';

/** Doctor names change rarely; the offline recogniser's grammar is rebuilt at most this often. */
const GRAMMAR_TTL_MS = 5 * 60_000;

export interface DomainLog {
  warn(data: Record<string, unknown>, message: string): void;
}

/** The agents a clinic conversation may start with. */
export const clinicAgentNames: readonly string[] = CLINIC_AGENT_NAMES;

/** The clinic front desk as voice-api's calls see it: the clinic's agents over persistence-api's clinic data. */
export function clinicDomain(config: VoiceApiConfig, persistence: PersistenceClient, log: DomainLog): CallDomain {
  const clinic = new PersistenceClinic(persistence);
  let grammar: { text: string; builtAt: number } | undefined;
  return {
    agentNames: CLINIC_AGENT_NAMES,
    greeting: CLINIC_AGENTS.greeting,
    isCompleteTurn: isCompleteRequest,
    // On the phone, 1 confirms and 2 declines what the agent just asked.
    keypad: (digit) => ({ '1': 'yes (pressed 1)', '2': 'no (pressed 2)' })[digit],
    offlineLlm: () => new OfflineLlm({ timezone: config.CLINIC_TIMEZONE }),
    agents: ({ llm, caller, agent, log: runnerLog }) => {
      const ctx: ClinicContext = { clinic, caller, timezone: config.CLINIC_TIMEZONE, now: () => new Date() };
      return new AgentRunner({ llm, agents: CLINIC_AGENTS, ctx, agent, log: runnerLog });
    },
    /** The grammar covers the clinic's own doctors; without them it still knows every other phrase. */
    async recognitionGrammar() {
      if (grammar && Date.now() - grammar.builtAt < GRAMMAR_TTL_MS) return grammar.text;
      let doctorNames: string[] = [];
      try {
        doctorNames = (await clinic.doctors()).map((d) => d.name);
      } catch (err) {
        log.warn({ reason: (err as Error).message }, 'doctor names unavailable for the speech grammar; using the generic one');
        if (grammar) return grammar.text;
      }
      const text = buildClinicGrammar({ doctorNames });
      if (doctorNames.length) grammar = { text, builtAt: Date.now() };
      return text;
    },
  };
}
