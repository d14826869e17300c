import './telemetry';
import { ConfigError } from '@voice/config/core';
import { loadPersistenceApiConfig } from '@voice/config/persistence-api';
import { listen } from '@voice/server-kit';
import { createApp } from './server';

async function main() {
  const config = loadPersistenceApiConfig();
  const app = await createApp(config);
  await app.init();
  await listen(app, config.PORT, config.HOST, 'persistence-api');
}

main().catch((err: unknown) => {
  // A configuration error is one readable message; anything else keeps its stack for the operator.
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
