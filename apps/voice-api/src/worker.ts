import './telemetry';
import { ConfigError } from '@voice/config/core';
import { loadVoiceApiConfig } from '@voice/config/voice-api';
import { LiveKitWorker, workerOptionsFromConfig } from './livekit-agent/worker-runner';

const LIVEKIT = ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'] as const;

/** The LiveKit agents worker as its own process (voice-api with LIVEKIT_WORKER=off serves only HTTP). */
async function main() {
  const config = loadVoiceApiConfig();
  if (!config.livekit) {
    throw new ConfigError(
      'voice-api worker',
      LIVEKIT.filter((k) => !config[k]).map((variable) => ({
        variable,
        message: 'is required: the worker registers with LiveKit (set all three LiveKit variables)',
      })),
    );
  }
  const line = (level: string) => (message: string) => console.log(JSON.stringify({ level, time: Date.now(), name: 'voice-api-worker', msg: message }));
  const worker = new LiveKitWorker(workerOptionsFromConfig(config, { info: line('info'), warn: line('warn'), error: line('error') }));
  worker.start();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    line('info')(`${signal}: finishing running calls and disconnecting from LiveKit`);
    worker.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  void worker.stopped().then(() => {
    if (!stopping) process.exit(1); // the failure is logged; let the supervisor restart the worker
  });
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
