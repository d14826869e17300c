import { createDatabase, freePorts, runToCompletion, testPostgresUrl } from '@voice/testing';
import { OtlpReceiver } from '@voice/testing/otlp-receiver';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ensureChromium } from './chromium';
import { BUILDS, LOGS_DIR, ROOT, SCREENSHOTS_DIR, SPEECH_WAV, WEB_SERVER } from './paths';
import { baseEnv, startService, webEnv } from './processes';
import { bookingDay, bookingRequest, writeSpeechWav } from './speech';
import { writeState, type E2EState } from './state';
import { telemetryEnv } from './telemetry';

const PERSISTENCE_DIST = join(ROOT, 'apps', 'persistence-api', 'dist');

function requireBuilds() {
  const missing = BUILDS.filter((b) => !existsSync(b.file));
  if (missing.length === 0) return;
  throw new Error(
    `The browser tests run the built services, and these build outputs are missing:\n` +
      missing.map((b) => `  ${relative(ROOT, b.file)}  (build it: ${b.build})`).join('\n') +
      `\n\`NX_DAEMON=false npx nx run web-e2e:test\` builds all of them first.`,
  );
}

/**
 * Everything the browser tests talk to, for real: a fresh PostgreSQL database (migrated and
 * seeded), persistence-api, voice-api and the web app from their build outputs on free ports of
 * 127.0.0.1, an OTLP receiver all three export their traces to, and the fake microphone's speech.
 * URLs reach the tests through E2E_* variables. Returns what stops the receiver: Playwright calls it
 * after the tests, just before global-teardown.ts (the services' last flush on the way out is lost).
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  requireBuilds();
  ensureChromium();
  mkdirSync(LOGS_DIR, { recursive: true });
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });

  const day = bookingDay();
  writeSpeechWav(SPEECH_WAV, bookingRequest(day));

  const state: E2EState = { children: [] };
  state.tmpDir = mkdtempSync(join(tmpdir(), 'web-e2e-'));
  writeState(state);

  const server = testPostgresUrl();
  const databaseUrl = await createDatabase(server, 'e2e');
  state.database = { serverUrl: server, url: databaseUrl };
  writeState(state);

  // The services' secrets, made for this run (rather than left to development defaults) so the
  // bundle scan in production.spec.ts knows every value to look for.
  const voiceApiClientSecret = randomBytes(24).toString('base64url');
  const webClientSecret = randomBytes(24).toString('base64url');
  const jwtPrivateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const redisUrl = process.env.TEST_REDIS_URL ?? `redis://:${randomBytes(12).toString('hex')}@127.0.0.1:6379`;

  // Runs in this (the runner's) process, for as long as the tests; they read it over HTTP.
  const receiver = await OtlpReceiver.start();
  const telemetry = telemetryEnv(receiver.url);

  const [persistencePort, voicePort, webPort] = await freePorts(3);
  const persistenceUrl = `http://127.0.0.1:${persistencePort}`;
  const voiceUrl = `http://127.0.0.1:${voicePort}`;
  const webUrl = `http://127.0.0.1:${webPort}`;

  const persistenceEnv = baseEnv({
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    DATA_DIR: join(state.tmpDir, 'persistence'),
    JWT_PRIVATE_KEY: jwtPrivateKey,
    VOICE_API_CLIENT_SECRET: voiceApiClientSecret,
    WEB_CLIENT_SECRET: webClientSecret,
    // Every browser of the suite signs in from this machine's one address.
    RATE_LIMIT_AUTH_PER_MINUTE: '1000',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(persistencePort),
    CORS_ALLOWED_ORIGINS: webUrl,
    ...telemetry,
  });
  const cli = join(PERSISTENCE_DIST, 'database', 'cli.js');
  runToCompletion('persistence-api migrate', [cli, 'migrate'], { env: persistenceEnv, cwd: ROOT });
  runToCompletion('persistence-api seed', [cli, 'seed'], { env: persistenceEnv, cwd: ROOT });

  await launch({ name: 'persistence-api', script: join(PERSISTENCE_DIST, 'main.js'), env: persistenceEnv, url: persistenceUrl, healthPath: '/health' }, state);
  await launch(
    {
      name: 'voice-api',
      script: join(ROOT, 'apps', 'voice-api', 'dist', 'main.js'),
      env: baseEnv({
        NODE_ENV: 'development',
        DATA_DIR: join(state.tmpDir, 'voice'),
        PERSISTENCE_API_URL: persistenceUrl,
        VOICE_API_CLIENT_SECRET: voiceApiClientSecret,
        LOG_LEVEL: 'warn',
        CORS_ORIGINS: webUrl,
        HOST: '127.0.0.1',
        PORT: String(voicePort),
        ...telemetry,
      }),
      url: voiceUrl,
      healthPath: '/health',
    },
    state,
  );
  await launch(
    {
      name: 'web',
      script: WEB_SERVER,
      env: webEnv(
        webPort,
        { persistenceUrl, voiceUrl, webClientSecret },
        {
          // Sessions in a real Redis, as with more than one instance in production. The local one
          // needs no password; one is given anyway (Redis accepts it), as Azure's would be.
          REDIS_URL: redisUrl,
          SESSION_IDLE_MINUTES: '15', // so the suite's sessions leave Redis soon after it
          ...telemetry,
        },
      ),
      url: webUrl,
      healthPath: '/api/health',
    },
    state,
  );

  process.env.E2E_WEB_URL = webUrl;
  process.env.E2E_PERSISTENCE_URL = persistenceUrl;
  process.env.E2E_VOICE_URL = voiceUrl;
  process.env.E2E_BOOKING_DAY = day;
  process.env.E2E_WEB_CLIENT_SECRET = webClientSecret;
  process.env.E2E_VOICE_API_CLIENT_SECRET = voiceApiClientSecret;
  process.env.E2E_OTLP_URL = receiver.url;
  process.env.E2E_SERVICE_SECRETS = JSON.stringify(secretValues([voiceApiClientSecret, webClientSecret, jwtPrivateKey, redisUrl, databaseUrl]));
  process.stderr.write(
    `web-e2e: web ${webUrl}, persistence-api ${persistenceUrl}, voice-api ${voiceUrl}, database ${new URL(databaseUrl).pathname.slice(1)}, OTLP receiver ${receiver.url}; logs in ${relative(ROOT, LOGS_DIR)}\n`,
  );
  return () => receiver.close();
}

/** Starts a service and records its pid before waiting for its health, so teardown stops it even if the wait fails. */
async function launch(options: Omit<Parameters<typeof startService>[0], 'onSpawn'>, state: E2EState) {
  await startService({
    ...options,
    onSpawn: (pid) => {
      state.children.push({ name: options.name, pid });
      writeState(state);
    },
  });
}

/** Each secret, the password of each URL among them, and each line of a PEM's body: any of these in client code is a leak. */
function secretValues(values: string[]): string[] {
  const out = new Set<string>();
  for (const value of values) {
    out.add(value);
    if (URL.canParse(value) && new URL(value).password) out.add(decodeURIComponent(new URL(value).password));
    for (const line of value.split('\n')) if (line.length >= 16 && !line.startsWith('-----')) out.add(line);
  }
  return [...out];
}
