import { ConfigError } from '@voice/config/core';
import { webConfig } from './lib/config';

try {
  webConfig();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
