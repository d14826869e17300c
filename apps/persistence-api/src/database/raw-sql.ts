import { types as pgTypes, type CustomTypesConfig, type Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { isPostgres } from './data-source';

/**
 * Hand-written SQL for the hot reads, on either database: placeholders, timestamps as the ISO 8601
 * strings the API returns, and Date parameters in the form each database compares.
 */
export class Sql {
  readonly postgres: boolean;
  private readonly statementNames = new Map<string, string>();

  constructor(private readonly db: DataSource) {
    this.postgres = isPostgres(db);
  }

  /** A statement's parameters: add() returns the placeholder to write in the value's place. */
  params() {
    const values: unknown[] = [];
    const add = (value: unknown) => {
      values.push(value instanceof Date && !this.postgres ? sqliteDatetime(value) : value);
      return this.postgres ? `$${values.length}` : '?';
    };
    return { values, add };
  }

  /**
   * Selects the timestamp column so that it reads as "2026-01-02T03:04:05.678Z", what Date#toISOString
   * gives. PostgreSQL's text form is rewritten by select(): cheaper than to_char on the server, and
   * cheaper than a Date on this side.
   */
  iso(column: string) {
    return this.postgres ? column : `strftime('%Y-%m-%dT%H:%M:%fZ', ${column})`;
  }

  /**
   * Aggregates `values` (a comma-separated list of expressions) over the rows of a subquery into one JSON
   * array of arrays, ordered by `orderBy`: the driver reads one text column instead of a row per item.
   * Read it back with readJsonArrays(). Timestamps come out in each database's stored text form.
   */
  jsonArrays(values: string, orderBy: string) {
    return this.postgres ? `json_agg(json_build_array(${values}) ORDER BY ${orderBy})` : `json_group_array(json_array(${values}) ORDER BY ${orderBy})`;
  }

  /** A jsonArrays() column: parsed by node-postgres already, text from SQLite, NULL from PostgreSQL when no rows. */
  readJsonArrays<T extends unknown[]>(column: unknown): T[] {
    if (column === null) return [];
    return (typeof column === 'string' ? JSON.parse(column) : column) as T[];
  }

  /**
   * Runs a read. On PostgreSQL it goes straight to node-postgres as a named prepared statement, parsed
   * and planned once per connection instead of on every request; the statement texts are few (one per
   * combination of filters), so the names are too.
   */
  async select<T>(text: string, values: unknown[]): Promise<T[]> {
    if (!this.postgres) return this.db.query(text, values);
    let name = this.statementNames.get(text);
    if (!name) this.statementNames.set(text, (name = `reads_${this.statementNames.size + 1}`));
    const pool = (this.db.driver as unknown as { master: Pool }).master;
    return (await pool.query({ name, text, values, types: ISO_TIMESTAMPS })).rows as T[];
  }
}

/** How TypeORM stores a Date on SQLite (UTC, "YYYY-MM-DD HH:MM:SS.SSS"), so that text comparison orders by time. */
const sqliteDatetime = (d: Date) => d.toISOString().slice(0, 23).replace('T', ' ');

const PG_TIMESTAMP_OID = 1114;

/**
 * A UTC timestamp in a database's text form as "2026-01-02T03:04:05.678Z", what Date#toISOString gives:
 * PostgreSQL's "2026-01-02 03:04:05.6789" (a timestamp without time zone; "T" in place of the space inside
 * JSON), or SQLite's "2026-01-02 03:04:05.678" as TypeORM stores a Date there.
 */
export function timestampToIso(value: string): string {
  const dot = value.indexOf('.', 19);
  const millis = dot === -1 ? '000' : `${value.slice(dot + 1, dot + 4)}00`.slice(0, 3);
  return `${value.slice(0, 10)}T${value.slice(11, 19)}.${millis}Z`;
}

const ISO_TIMESTAMPS: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === PG_TIMESTAMP_OID ? timestampToIso : pgTypes.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};
