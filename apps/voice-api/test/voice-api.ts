import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Resampler } from '@voice/agent/audio';
import { loadVoiceApiConfig, type VoiceApiConfig } from '@voice/config/voice-api';
import { MEDIA_FRAME_MS, MEDIA_FRAME_SAMPLES, MEDIA_SAMPLE_RATE } from '@voice/contracts/media';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { AppOptions } from '../src/app.module';
import { VoiceProviders } from '../src/call/voice-providers';
import { createApp } from '../src/server';
import { TEST_SERVICE_SECRET } from './persistence-process';
import { persistenceUrl } from './users';

export interface VoiceApi {
  app: NestFastifyApplication;
  url: string;
  http: ReturnType<typeof request>;
  config: VoiceApiConfig;
  dataDir: string;
  /** Every JSON log line, in order. */
  logs: string[];
  /** Shuts the app down as SIGTERM would; removes DATA_DIR unless told to keep it. */
  close(options?: { keepDataDir?: boolean }): Promise<void>;
}

/**
 * Boots voice-api in this process on a free port, against the run's persistence-api unless `env`
 * says otherwise, with its own DATA_DIR and its log lines captured in memory.
 */
export async function startVoiceApi(env: Record<string, string> = {}, options: AppOptions = {}): Promise<VoiceApi> {
  const dataDir = mkdtempSync(join(tmpdir(), 'voice-api-test-'));
  const config = loadVoiceApiConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATA_DIR: dataDir,
    PERSISTENCE_API_URL: env.PERSISTENCE_API_URL ?? persistenceUrl(),
    VOICE_API_CLIENT_SECRET: TEST_SERVICE_SECRET,
    // The suites send many requests as one user or from one address; the rate-limit tests set their own budget.
    RATE_LIMIT_PER_MINUTE: '1000000',
    ...env,
  });
  const logs: string[] = [];
  const app = await createApp(config, { write: (line: string) => void logs.push(line) }, options);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  let closed = false;
  return {
    app,
    url,
    http: request(url),
    config,
    dataDir,
    logs,
    close: async ({ keepDataDir = false } = {}) => {
      if (closed) return;
      closed = true;
      await app.close();
      if (!keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Parsed log lines whose message matches. */
export const logLines = (logs: string[], msg: RegExp) =>
  logs.map((l) => JSON.parse(l) as { level: number; msg?: string; [k: string]: unknown }).filter((l) => msg.test(l.msg ?? ''));

/** How long the agent's audio for `text` is, synthesised and framed as the pipeline does it. */
export async function spokenMs(api: VoiceApi, text: string): Promise<number> {
  const tts = api.app.get(VoiceProviders).tts;
  const resampler = new Resampler(tts.sampleRate, MEDIA_SAMPLE_RATE);
  let samples = 0;
  for await (const chunk of tts.synthesize(text)) samples += resampler.process(chunk).length;
  samples += resampler.flush().length;
  return Math.ceil(samples / MEDIA_FRAME_SAMPLES) * MEDIA_FRAME_MS;
}
