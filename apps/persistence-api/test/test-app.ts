import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { loadPersistenceApiConfig, type PersistenceApiConfig } from '@voice/config/persistence-api';
import type { LoginRequest, RegisterRequest, TokenResponse } from '@voice/contracts/persistence';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/database/data-source';
import { createApp } from '../src/server';

export const SERVICE_SECRET = 'test-voice-api-secret-0123456789';
export const WEB_SECRET = 'test-web-client-secret-0123456789';

export interface TestApp {
  app: NestFastifyApplication;
  http: ReturnType<typeof request>;
  db: DataSource;
  config: PersistenceApiConfig;
  logs: string[];
  close(): Promise<void>;
}

/** Which database this Jest project runs against: set by test/use-sqlite.cjs or use-postgres.cjs. */
export const testDb = () => (process.env.TEST_DB === 'postgres' ? 'postgres' : 'sqlite');

/**
 * Boots the real app on the project's database. SQLite gets a fresh migrated file per call;
 * PostgreSQL uses the run's database, migrated once by the global setup.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'persistence-test-'));
  const config = loadPersistenceApiConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATA_DIR: dataDir,
    VOICE_API_CLIENT_SECRET: SERVICE_SECRET,
    WEB_CLIENT_SECRET: WEB_SECRET,
    // The suites send many requests from one address; the rate-limit tests set their own budgets.
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
    ...(testDb() === 'postgres' ? { DATABASE_URL: process.env.PERSISTENCE_TEST_PG_URL as string } : {}),
    ...env,
  });
  if (!config.DATABASE_URL) {
    const migrator = createDataSource(config);
    await migrator.initialize();
    await migrator.runMigrations();
    await migrator.destroy();
  }
  const logs: string[] = [];
  const app = await createApp(config, { write: (line: string) => void logs.push(line) });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    http: request(app.getHttpServer()),
    db: app.get<DataSource>(getDataSourceToken()),
    config,
    logs,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const uniqueEmail = (tag = 'user') => `${tag}-${randomUUID().slice(0, 8)}@example.com`;

/** A sign-in with a wrong password for an account that does not exist, with the headers given. */
export const wrongLogin = (t: TestApp, headers: Record<string, string> = {}) =>
  t.http
    .post('/v1/auth/login')
    .set(headers)
    .send({ email: uniqueEmail('guess'), password: 'guess-password-1' } satisfies LoginRequest);

/** A fresh client address per test (and per run: Redis outlives it). */
export const someAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/** Registers a fresh user and returns the session and a ready Authorization header. */
export async function registerUser(t: TestApp, overrides: Partial<RegisterRequest> = {}) {
  const input = { email: uniqueEmail(), password: 'correct-horse-42', ...overrides } satisfies RegisterRequest;
  const res = await t.http.post('/v1/auth/register').send(input).expect(201);
  const session = res.body as TokenResponse;
  return { input, session, auth: { Authorization: `Bearer ${session.accessToken}` } };
}

export async function serviceToken(t: TestApp, scope?: string) {
  const res = await t.http
    .post('/v1/auth/token')
    .send({ grant_type: 'client_credentials', client_id: 'voice-api', client_secret: SERVICE_SECRET, ...(scope ? { scope } : {}) })
    .expect(200);
  return { Authorization: `Bearer ${res.body.access_token as string}` };
}
