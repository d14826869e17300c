/**
 * Which thrown errors mean "the database is unavailable" rather than "this request is wrong" or a bug:
 * the database did not answer in time, or could not be reached. Both are worth retrying later.
 */
export type DatabaseFailure = { kind: 'timeout' } | { kind: 'unreachable'; reason: string };

/** Errors node-postgres and pg-pool raise when no answer came in time (they carry no code). */
const PG_TIMEOUT_MESSAGES = [
  'Query read timeout', // query_timeout: the client stopped waiting
  'timeout exceeded when trying to connect', // connectionTimeoutMillis: no free connection in time
  'Connection terminated due to connection timeout', // connectionTimeoutMillis: the server did not accept in time
];

/** Errors node-postgres raises when a connection was lost or refused (they carry no code). */
const PG_CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  /^Cannot use a pool after calling end on the pool/,
];

/** Socket errors: the host refused, reset, vanished or could not be resolved. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATEs: 08xxx connection exceptions, 53xxx insufficient resources ("too many
 * clients"), 57P01-57P03 the server is shutting down or starting, 57014 a statement cancelled by
 * statement_timeout, 55P03 lock_not_available (lock_timeout).
 */
function pgState(code: string): DatabaseFailure | undefined {
  if (code === '57014' || code === '55P03') return { kind: 'timeout' };
  if (/^08/.test(code) || /^53/.test(code) || /^57P0[1-3]$/.test(code)) return { kind: 'unreachable', reason: `PostgreSQL error ${code}` };
  return undefined;
}

/** Classifies `err` (a TypeORM QueryFailedError or the driver's own error), or undefined for any other error. */
export function databaseFailure(err: unknown): DatabaseFailure | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const outer = err as { driverError?: unknown };
  const e = (typeof outer.driverError === 'object' && outer.driverError !== null ? outer.driverError : err) as {
    code?: unknown;
    message?: unknown;
    errors?: unknown;
  };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : '';

  // SQLite: another connection holds the lock past the busy timeout.
  if (code?.startsWith('SQLITE_BUSY') || code?.startsWith('SQLITE_LOCKED')) return { kind: 'timeout' };
  if (code && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('SQLITE')) {
    const failure = pgState(code);
    if (failure) return failure;
  }
  if (code && SOCKET_CODES.has(code)) return { kind: 'unreachable', reason: code };
  if (PG_TIMEOUT_MESSAGES.includes(message)) return { kind: 'timeout' };
  if (PG_CONNECTION_MESSAGES.some((m) => m.test(message))) return { kind: 'unreachable', reason: message };
  // Node's AggregateError when every address of a host refused (IPv4 and IPv6 for "localhost").
  if (Array.isArray(e.errors) && e.errors.length && e.errors.every((inner) => databaseFailure(inner)?.kind === 'unreachable')) {
    return { kind: 'unreachable', reason: (databaseFailure(e.errors[0]) as { reason: string }).reason };
  }
  return undefined;
}
