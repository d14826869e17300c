/** True when a write failed on a unique constraint, on PostgreSQL or SQLite. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; driverError?: { code?: string; constraint?: string; message?: string }; message?: string };
  const code = e.driverError?.code ?? e.code;
  const unique = code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  if (!unique || !constraint) return unique;
  const where = e.driverError?.constraint ?? e.driverError?.message ?? e.message ?? '';
  return where.includes(constraint) || code?.startsWith('SQLITE') === true;
}
