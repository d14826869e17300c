import 'reflect-metadata';
import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { z } from 'zod';
import { ApiError } from './api-error';
import { createServer } from './bootstrap';
import { HealthModule } from './health';
import { ApiContract } from './openapi';
import { body, type Valid } from './zod-pipe';

const Echo = z.object({ name: z.string().min(1), count: z.number().int().max(10) }).strict();

@Controller('t')
class TestController {
  @Post('echo')
  @ApiContract({ body: Echo, response: Echo, status: 201 })
  echo(@Body(body(Echo)) input: Valid<typeof Echo>) {
    return input;
  }
  @Get('conflict')
  conflict() {
    throw ApiError.conflict('Already there');
  }
  @Get('boom')
  boom() {
    throw new Error('database password is hunter2');
  }
}

@Module({
  imports: [HealthModule.forRootAsync({ useFactory: () => [{ name: 'thing', check: async () => undefined }] })],
  controllers: [TestController],
})
class TestModule {}

describe('createServer', () => {
  let app: NestFastifyApplication;
  const logs: string[] = [];
  beforeAll(async () => {
    app = await createServer(TestModule, {
      name: 'test-api',
      logLevel: 'info',
      corsOrigins: ['http://allowed.example'],
      allowedHosts: ['api.example.com'],
      trustProxyHops: 1,
      bodyLimit: 1024,
      docs: true,
      logDestination: { write: (l: string) => void logs.push(l) },
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());
  const http = () => request(app.getHttpServer());
  const host = { Host: 'api.example.com' };

  it('validates bodies against the contract and names the offending fields', async () => {
    const res = await http().post('/t/echo').set(host).send({ name: '', count: 11, extra: 1 }).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body', 'body.count', 'body.name']);
    await http().post('/t/echo').set(host).send({ name: 'a', count: 1 }).expect(201, { name: 'a', count: 1 });
  });

  it('answers every error in one shape, with the request id', async () => {
    const res = await http().get('/t/conflict').set(host).set('x-request-id', 'req-123').expect(409);
    expect(res.headers['x-request-id']).toBe('req-123');
    expect(res.body).toEqual({ error: { code: 'conflict', message: 'Already there', requestId: 'req-123' } });
    const missing = await http().get('/nope').set(host).expect(404);
    expect(missing.body.error).toMatchObject({ code: 'not_found', message: 'No route GET /nope' });
  });

  it('hides internal errors: no message, no stack', async () => {
    const res = await http().get('/t/boom').set(host).expect(500);
    expect(res.body.error.code).toBe('internal_error');
    expect(JSON.stringify(res.body)).not.toMatch(/hunter2|at |stack/);
  });

  it('rejects oversized and malformed bodies with 4xx in the same shape', async () => {
    const big = await http()
      .post('/t/echo')
      .set(host)
      .send({ name: 'x'.repeat(2000), count: 1 })
      .expect(413);
    expect(big.body.error.code).toBe('payload_too_large');
    const bad = await http().post('/t/echo').set(host).set('content-type', 'application/json').send('{oops').expect(400);
    expect(bad.body.error.code).toBe('bad_request');
  });

  it('allows listed origins with credentials and gives unlisted ones no CORS headers', async () => {
    const ok = await http().get('/health').set('Origin', 'http://allowed.example').expect(200);
    expect(ok.headers['access-control-allow-origin']).toBe('http://allowed.example');
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    const other = await http().get('/health').set('Origin', 'http://evil.example').expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses unknown Host headers except on /health, and sets security headers', async () => {
    const res = await http().get('/t/conflict').set('Host', 'evil.example').expect(400);
    expect(res.body.error.message).toContain('ALLOWED_HOSTS');
    const health = await http().get('/health').set('Host', 'internal-probe').expect(200);
    expect(health.body).toEqual({ status: 'ok', checks: { thing: { status: 'up', latencyMs: expect.any(Number) } } });
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    expect(health.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('sets the same security headers on every answer, errors included', async () => {
    const expected = {
      'content-security-policy': expect.stringContaining("default-src 'self'"),
      'strict-transport-security': expect.stringMatching(/^max-age=\d+/),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
    };
    const ok = await http().get('/health').set(host).expect(200);
    const refused = await http().get('/t/conflict').set('Host', 'evil.example').expect(400);
    const missing = await http().get('/no/such/route').set(host).expect(404);
    for (const res of [ok, refused, missing]) expect(res.headers).toMatchObject(expected);
  });

  it('serves the OpenAPI document at /docs', async () => {
    await http().get('/docs').set(host).expect(200);
    const doc = await http().get('/docs/openapi.json').set(host).expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/t/echo', '/health']));
    const echo = doc.body.paths['/t/echo'].post;
    expect(echo.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      required: ['name', 'count'],
      properties: { name: { type: 'string' }, count: { type: 'integer' } },
    });
    expect(echo.responses['201'].content['application/json'].schema.properties.name).toEqual({ type: 'string', minLength: 1 });
  });

  it('logs requests as JSON lines with request ids and no secrets', async () => {
    await http().get('/t/conflict?ticket=secret-ticket').set(host).set('Authorization', 'Bearer secret-token').expect(409);
    const lines = logs.map((l) => JSON.parse(l) as { reqId?: string });
    expect(lines.some((l) => l.reqId)).toBe(true);
    expect(logs.join('\n')).not.toMatch(/secret-ticket|secret-token/);
  });
});

describe('createServer body parsing', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await createServer(TestModule, {
      name: 'test-api',
      logLevel: 'silent',
      corsOrigins: [],
      allowedHosts: [],
      trustProxyHops: 0,
      bodyLimit: 1024,
      docs: false,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  it('serves no /docs when docs are off', async () => {
    for (const path of ['/docs', '/docs/openapi.json']) await request(app.getHttpServer()).get(path).expect(404);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])('answers %s bodies with 415', async (type) => {
    const res = await request(app.getHttpServer()).post('/t/echo').set('content-type', type).send('name=a&count=1').expect(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('refuses NUL characters before they reach a database', async () => {
    const res = await request(app.getHttpServer()).post('/t/echo').send({ name: 'a\u0000b', count: 1 }).expect(400);
    expect(res.body.error.details).toEqual([{ path: 'body.name', message: 'must not contain NUL (U+0000) characters' }]);
  });

  it('reports a wrong type as such, not as missing', async () => {
    const res = await request(app.getHttpServer()).post('/t/echo').send({ name: 'a', count: 'ten' }).expect(400);
    expect(res.body.error.details[0]).toEqual({ path: 'body.count', message: expect.not.stringMatching(/required/) });
  });
});
