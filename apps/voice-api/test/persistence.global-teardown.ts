import { rmSync } from 'node:fs';

export default async function teardown() {
  const persistence = globalThis.__VOICE_TEST_PERSISTENCE__;
  if (!persistence) return;
  await persistence.stop();
  rmSync(persistence.dataDir, { recursive: true, force: true });
}
