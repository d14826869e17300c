import { expectError } from '@voice/testing/api-errors';
import { startVoiceApi, type VoiceApi } from '../../test/voice-api';

const TOKEN = 'scraper-token-0123456789abcdef';
/**
 * What App Service's production settings look like to this test: NODE_ENV=production and the host it
 * is reached on; the test's persistence-api answers plain HTTP on 127.0.0.1.
 */
const production = { NODE_ENV: 'production', ALLOWED_HOSTS: '127.0.0.1', ALLOW_INSECURE_CONNECTIONS: 'true' };

describe('/metrics and /docs in production, without settings that open them', () => {
  let api: VoiceApi;
  beforeAll(async () => {
    api = await startVoiceApi(production);
  });
  afterAll(() => api?.close());

  it('refuses /metrics with 403, saying which setting opens it', async () => {
    const res = await api.http.get('/metrics');
    expectError(res, 403, 'forbidden', /METRICS_TOKEN/);
    expect(res.text).not.toContain('voice_');
  });

  it('serves no OpenAPI UI or document', async () => {
    for (const path of ['/docs', '/docs/openapi.json']) expect((await api.http.get(path)).status).toBe(404);
  });
});

describe('/metrics and /docs in production, opened by METRICS_TOKEN and API_DOCS_PUBLIC', () => {
  let api: VoiceApi;
  beforeAll(async () => {
    api = await startVoiceApi({ ...production, METRICS_TOKEN: TOKEN, API_DOCS_PUBLIC: 'true' });
  });
  afterAll(() => api?.close());

  it('serves /metrics to the bearer of METRICS_TOKEN only', async () => {
    expectError(await api.http.get('/metrics'), 401, 'unauthorized', 'Reading /metrics needs "Authorization: Bearer <METRICS_TOKEN>"');
    expectError(await api.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}x`), 401, 'unauthorized');
    const res = await api.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(res.text).toMatch(/^voice_transcript_outbox_pending \d+$/m);
    expect(api.logs.join('\n')).not.toContain(TOKEN);
  });

  it('serves the OpenAPI document', async () => {
    const doc = await api.http.get('/docs/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths)).toContain('/v1/sessions');
  });
});

describe('/metrics with METRICS_TOKEN outside production', () => {
  let api: VoiceApi;
  beforeAll(async () => {
    api = await startVoiceApi({ METRICS_TOKEN: TOKEN });
  });
  afterAll(() => api?.close());

  it('needs the token there too', async () => {
    expectError(await api.http.get('/metrics'), 401, 'unauthorized');
    await api.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
  });
});
