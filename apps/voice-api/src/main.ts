import './telemetry';
import { ConfigError } from '@voice/config/core';
import { loadVoiceApiConfig } from '@voice/config/voice-api';
import { listen } from '@voice/server-kit';
import { createApp } from './server';

async function main() {
  const config = loadVoiceApiConfig();
  const app = await createApp(config);
  await app.init();
  await listen(app, config.PORT, config.HOST, 'voice-api');
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
