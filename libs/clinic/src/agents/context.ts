import type { Tool } from '@voice/agent/agents';
import type { CallerIdentity, ClinicPort } from './clinic-port';

/** What a clinic tool may use: the clinic, who is calling, and the clinic's calendar. */
export interface ClinicContext {
  clinic: ClinicPort;
  caller: CallerIdentity;
  /** The clinic's IANA time zone: "Tuesday" and "9:30" mean Tuesday and 9:30 there. */
  timezone: string;
  now: () => Date;
}

export type ClinicTool = Tool<ClinicContext>;
