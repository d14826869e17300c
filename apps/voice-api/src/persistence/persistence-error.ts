import type { ErrorCode } from '@voice/contracts/errors';

/**
 * Why a call to persistence-api failed:
 * - unreachable: no connection (refused, reset, DNS);
 * - timeout: no answer within the call's time limit;
 * - status: an HTTP error answer (see `status`);
 * - contract: a success answer whose body does not match the contract.
 */
export type PersistenceFailure = 'unreachable' | 'timeout' | 'status' | 'contract';

/** A failed persistence-api call, with a message fit for a log line (never a token or secret). */
export class PersistenceError extends Error {
  constructor(
    readonly kind: PersistenceFailure,
    message: string,
    readonly status?: number,
    /** The `error.code` persistence-api answered with, when it did. */
    readonly code?: ErrorCode,
    /** The paths of the fields persistence-api refused (`body.userId`), for a validation error. */
    readonly fields: string[] = [],
  ) {
    super(message);
    this.name = 'PersistenceError';
  }

  /** persistence-api refused the request because of this field (by its error code and details, never its wording). */
  refused(field: string): boolean {
    return this.code === 'validation_failed' && this.fields.includes(field);
  }

  /** Nothing came back, or persistence-api itself failed: worth trying again later. */
  get transient(): boolean {
    return this.kind === 'unreachable' || this.kind === 'timeout' || (this.status !== undefined && this.status >= 500);
  }
}
