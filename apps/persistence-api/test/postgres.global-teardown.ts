import { dropDatabase } from '@voice/testing';

export default async function teardown() {
  const { PERSISTENCE_TEST_PG_ADMIN_URL: adminUrl, PERSISTENCE_TEST_PG_URL: url } = process.env;
  if (adminUrl && url) await dropDatabase(adminUrl, url);
  await globalThis.__PG_SERVER__?.stop();
}
