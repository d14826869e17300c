import type { AgentName } from '@voice/contracts/persistence';
import { z } from 'zod';
import type { DispatchMetadata } from '../sessions/livekit-rooms';

/**
 * What POST /v1/sessions puts in the agent dispatch (livekit-rooms.ts). `agent`, the agent the
 * conversation starts with, is optional: without it the call starts at the receptionist.
 */
const JobMetadata = z.object({
  sessionId: z.uuid(),
  conversationId: z.uuid(),
  userId: z.string().min(1).max(200),
  agent: z.string().optional(),
});

export type JobMetadataResult = { ok: true; metadata: DispatchMetadata; agent?: AgentName } | { ok: false; problem: string };

/** Reads a job's metadata, whose agent must be one of `agentNames`; the problem, when there is one, is fit for a log line (it never repeats the metadata). */
export function parseJobMetadata(raw: string | undefined, agentNames: readonly AgentName[]): JobMetadataResult {
  if (!raw) return { ok: false, problem: 'the job has no metadata (expected JSON {sessionId, conversationId, userId})' };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, problem: 'the job metadata is not JSON (expected {sessionId, conversationId, userId})' };
  }
  const parsed = JobMetadata.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'metadata'} ${i.message}`).join('; ');
    return { ok: false, problem: `the job metadata is invalid: ${problems}` };
  }
  const { agent, ...metadata } = parsed.data;
  if (agent === undefined) return { ok: true, metadata };
  if (!agentNames.includes(agent)) return { ok: false, problem: `the job metadata names an unknown agent (expected one of ${agentNames.join(', ')})` };
  return { ok: true, metadata, agent };
}
