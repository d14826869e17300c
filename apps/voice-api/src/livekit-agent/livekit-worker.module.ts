import { Injectable, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig, type VoiceApiConfig } from '../config';
import { MetricsService } from '../metrics/metrics.service';
import type { LiveKitWorker } from './worker-runner';

/**
 * Runs the LiveKit agents worker inside voice-api when LiveKit is configured and
 * LIVEKIT_WORKER=inline (the default); with LIVEKIT_WORKER=off, worker.js runs it instead.
 */
@Injectable()
export class LiveKitWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LiveKitWorker');
  private worker?: LiveKitWorker;

  constructor(
    @InjectConfig() private readonly config: VoiceApiConfig,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap() {
    if (!this.config.livekit) return;
    if (this.config.LIVEKIT_WORKER !== 'inline') {
      this.logger.log('LIVEKIT_WORKER=off: this process takes no LiveKit calls; run the worker as its own process (node dist/worker.js)');
      return;
    }
    const log = { info: (m: string) => this.logger.log(m), warn: (m: string) => this.logger.warn(m), error: (m: string) => this.logger.error(m) };
    try {
      // Loaded only here: @livekit/agents takes about 1.2 s and 86 MB to load (measured), which a
      // WebSocket-only deployment should not pay.
      const runner = require('./worker-runner') as typeof import('./worker-runner');
      this.worker = new runner.LiveKitWorker({ ...runner.workerOptionsFromConfig(this.config, log), metrics: this.metrics });
      this.worker.start();
    } catch (err) {
      // The HTTP API still serves; LiveKit calls get no agent until this is fixed.
      this.worker = undefined;
      this.logger.error(`LiveKit agents worker not started: ${(err as Error).message}`);
    }
  }

  async onApplicationShutdown() {
    await this.worker?.stop();
  }
}

@Module({ providers: [LiveKitWorkerService] })
export class LiveKitWorkerModule {}
