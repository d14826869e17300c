import type { Intent, ParsedUtterance } from './intents';

/** A tool result the model has seen, with the call that produced it. */
export interface SeenResult {
  name: string;
  args: Record<string, unknown>;
  result: Record<string, unknown>;
}

/** Everything a policy reads: the caller's last words, what happened since, and what came before. */
export interface Situation {
  utterance: ParsedUtterance;
  /** Intent carried over from earlier turns when this one has none ("Thursday at ten" after "move my appointment"). */
  intent?: Intent;
  /** Tool results since the caller last spoke, oldest first (hand-offs excluded). */
  since: SeenResult[];
  /** The most recent result of each tool over the whole conversation. */
  latest: Map<string, SeenResult>;
  /** The most recent result of each tool before the caller last spoke: what the agent's last words were based on. */
  before: Map<string, SeenResult>;
  /** The agent's last two spoken replies before the caller last spoke, the latest first. */
  said: string[];
  /** Doctor named in this or an earlier utterance. */
  doctor?: string;
  /** Clinic-local YYYY-MM-DD the caller meant, if they named a day (now or before). */
  date?: string;
  today: string;
}

/** A free time as find_free_slots returns it. */
export interface Slot {
  startsAt: string;
  localTime: string;
  time: string;
}

/** find_free_slots' result: one doctor's free times on one date. */
export interface FreeSlots {
  doctor: string;
  date: string;
  spokenDate: string;
  slots: Slot[];
}

/** One of the caller's appointments as list_my_appointments (and book, move, cancel) describe it. */
export interface Described {
  appointmentId: string;
  doctor: string;
  date: string;
  spokenDate: string;
  time: string;
}
