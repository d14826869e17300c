import type { ToolFailure } from '@voice/agent/agents';
import { ClinicError } from './clinic-port';

const SPOKEN: Record<ClinicError['code'], string> = {
  conflict: 'that time was just taken by someone else',
  not_found: 'the clinic has no such record',
  invalid: 'the clinic system refused the request',
  unavailable: 'the clinic system is not reachable right now',
};

/** A clinic tool's failure as the model reads it: "slot taken" differs from "clinic system down", and anything else is the latter. */
export function clinicToolFailure(err: unknown): ToolFailure {
  if (err instanceof ClinicError) {
    return {
      result: { error: SPOKEN[err.code], code: err.code },
      level: err.code === 'unavailable' ? 'error' : 'warn',
      message: 'clinic tool failed',
      data: { code: err.code, reason: err.message },
    };
  }
  return { result: { error: SPOKEN.unavailable, code: 'unavailable' }, level: 'error', message: 'tool crashed', data: { err } };
}
