import { startPersistenceApi, type PersistenceProcess } from './persistence-process';

declare global {
  var __VOICE_TEST_PERSISTENCE__: PersistenceProcess | undefined;
}

/** One real persistence-api for the whole API test run; its URL reaches the test workers through the environment. */
export default async function setup() {
  const persistence = await startPersistenceApi();
  globalThis.__VOICE_TEST_PERSISTENCE__ = persistence;
  process.env.VOICE_TEST_PERSISTENCE_URL = persistence.url;
  process.env.VOICE_TEST_PERSISTENCE_DATA_DIR = persistence.dataDir;
}
