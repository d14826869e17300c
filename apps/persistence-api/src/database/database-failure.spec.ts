import { QueryFailedError } from 'typeorm';
import { databaseFailure } from './database-failure';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });
const wrapped = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);

describe('databaseFailure', () => {
  it.each([
    ['a refused connection', coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'), 'ECONNREFUSED'],
    ['a reset connection', coded('ECONNRESET'), 'ECONNRESET'],
    ['an unknown host', coded('ENOTFOUND'), 'ENOTFOUND'],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly'), 'Connection terminated unexpectedly'],
    ['a client whose connection broke', wrapped(new Error('Client has encountered a connection error and is not queryable')), /not queryable/],
    ['too many clients', wrapped(coded('53300', 'sorry, too many clients already')), 'PostgreSQL error 53300'],
    ['a server shutting down', wrapped(coded('57P01', 'terminating connection due to administrator command')), 'PostgreSQL error 57P01'],
    ['a server starting up', coded('57P03', 'the database system is starting up'), 'PostgreSQL error 57P03'],
    ['a connection exception', coded('08006'), 'PostgreSQL error 08006'],
    ['every address of a host refusing', new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')]), 'ECONNREFUSED'],
  ])('calls %s unreachable', (_, err, reason) => {
    const failure = databaseFailure(err);
    expect(failure?.kind).toBe('unreachable');
    expect((failure as { reason: string }).reason).toEqual(typeof reason === 'string' ? reason : expect.stringMatching(reason));
  });

  it.each([
    ['a query the client stopped waiting for', wrapped(new Error('Query read timeout'))],
    ['no free connection in the pool in time', new Error('timeout exceeded when trying to connect')],
    ['a server that did not accept in time', new Error('Connection terminated due to connection timeout')],
    ['a statement cancelled by statement_timeout', wrapped(coded('57014', 'canceling statement due to statement timeout'))],
    ['a lock_timeout', wrapped(coded('55P03'))],
    ['a busy SQLite database', wrapped(coded('SQLITE_BUSY', 'database is locked'))],
    ['a locked SQLite table', wrapped(coded('SQLITE_LOCKED_SHAREDCACHE'))],
  ])('calls %s a timeout', (_, err) => {
    expect(databaseFailure(err)).toEqual({ kind: 'timeout' });
  });

  it.each([
    ['a unique violation', wrapped(coded('23505'))],
    ['a foreign-key violation', wrapped(coded('23503'))],
    ['a syntax error', wrapped(coded('42601'))],
    ['a SQLite constraint', wrapped(coded('SQLITE_CONSTRAINT_UNIQUE'))],
    ['a bug', new TypeError('x is undefined')],
    ['a thrown string', 'boom'],
    ['nothing', undefined],
  ])('leaves %s alone', (_, err) => {
    expect(databaseFailure(err)).toBeUndefined();
  });
});
