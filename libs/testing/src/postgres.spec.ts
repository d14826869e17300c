import { createDatabase, databaseUrl, dropDatabase, testPostgresUrl, withPostgres } from './postgres';

const server = testPostgresUrl();
const exists = (url: string) =>
  withPostgres(server, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [new URL(url).pathname.slice(1)])).rowCount === 1);

describe('PostgreSQL test databases (against TEST_DATABASE_URL or the local server)', () => {
  it('creates a uniquely named database that accepts connections, and drops it', async () => {
    const [a, b] = [await createDatabase(server, 'testing_spec'), await createDatabase(server, 'testing_spec')];
    try {
      expect(a).not.toBe(b);
      expect(await withPostgres(a, async (c) => (await c.query<{ db: string }>('SELECT current_database() AS db')).rows[0].db)).toBe(
        new URL(a).pathname.slice(1),
      );
    } finally {
      await dropDatabase(server, a);
      await dropDatabase(server, b);
    }
    expect(await exists(a)).toBe(false);
  });

  it('refuses names it did not make, and says which server it cannot reach without its password', async () => {
    await expect(dropDatabase(server, databaseUrl(server, 'Production'))).rejects.toThrow(/refusing to drop Production/);
    await expect(createDatabase(server, 'x; DROP')).rejects.toThrow(/prefix/);
    await expect(withPostgres('postgres://someone:secret-pw@127.0.0.1:1/db', async () => 1)).rejects.toThrow(
      /cannot reach PostgreSQL at postgres:\/\/someone@127\.0\.0\.1:1\/db/,
    );
    await expect(withPostgres('postgres://someone:secret-pw@127.0.0.1:1/db', async () => 1)).rejects.not.toThrow(/secret-pw/);
  });
});
