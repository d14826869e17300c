import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

const LOCAL_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The server tests create their databases on: TEST_DATABASE_URL's (CI sets it), else the local one. */
export function testPostgresUrl(): string {
  return process.env.TEST_DATABASE_URL || LOCAL_ADMIN_URL;
}

/** The URL of database `name` on the server of `serverUrl`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.href;
}

/** Runs `work` with a connected client, failing with an actionable message (and no password) when the server is unreachable. */
export async function withPostgres<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    const where = new URL(url);
    where.password = '';
    throw new Error(
      `cannot reach PostgreSQL at ${where.href} (${(err as Error).message}): start one there, or set TEST_DATABASE_URL to a server the tests may create databases on`,
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const NAME = /^[a-z][a-z0-9_]*$/;

/** Creates a uniquely named database (`<prefix>_<time>_<random>`) on `serverUrl` and returns its URL. */
export async function createDatabase(serverUrl: string, prefix: string): Promise<string> {
  if (!NAME.test(prefix)) throw new Error(`database prefix ${prefix} must be lower-case letters, digits and _`);
  const name = `${prefix}_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await withPostgres(serverUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  return databaseUrl(serverUrl, name);
}

/** Drops the database `url` names, closing its connections. */
export async function dropDatabase(serverUrl: string, url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!NAME.test(name)) throw new Error(`refusing to drop ${name}: not a database createDatabase made`);
  await withPostgres(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
