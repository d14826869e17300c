import { loadWebConfig, type WebConfig } from '@voice/config/web';

let config: WebConfig | undefined;

/** The web app's settings, parsed once (instrumentation.ts parses them at boot, so a bad value stops start-up). */
export function webConfig(): WebConfig {
  return (config ??= loadWebConfig());
}
