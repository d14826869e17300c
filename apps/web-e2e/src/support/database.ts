import { Client } from 'pg';

const LOCAL_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The server to create the run's database on: TEST_DATABASE_URL's (CI), else the local one. */
export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL || LOCAL_ADMIN_URL;
}

/** The URL of database `name` on the server of `admin`. */
export function databaseUrl(admin: string, name: string): string {
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    const where = new URL(url);
    where.password = '';
    throw new Error(
      `cannot reach PostgreSQL at ${where.toString()} (${(err as Error).message}). The browser tests need a server they may create ` +
        `and drop databases on: start one there, or set TEST_DATABASE_URL to a database on such a server.`,
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates a fresh database for this run and returns its name. */
export async function createDatabase(admin: string): Promise<string> {
  const name = `e2e_${Date.now()}`;
  await withClient(admin, (c) => c.query(`CREATE DATABASE "${name}"`));
  return name;
}

export async function dropDatabase(admin: string, name: string): Promise<void> {
  if (!/^e2e_\d+$/.test(name)) throw new Error(`refusing to drop ${name}: not a database this suite created`);
  await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
