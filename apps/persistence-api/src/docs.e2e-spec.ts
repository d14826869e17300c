import { startTestApp, type TestApp } from '../test/test-app';

describe('/docs (API_DOCS_PUBLIC)', () => {
  let closed: TestApp;
  let open: TestApp;
  beforeAll(async () => {
    [closed, open] = await Promise.all([startTestApp({ API_DOCS_PUBLIC: 'false' }), startTestApp({ API_DOCS_PUBLIC: 'true' })]);
  });
  afterAll(() => Promise.all([closed?.close(), open?.close()]));

  it('serves no OpenAPI UI or document when API_DOCS_PUBLIC is false (the production default)', async () => {
    for (const path of ['/docs', '/docs/openapi.json']) await closed.http.get(path).expect(404);
  });

  it('serves them when it is true', async () => {
    const doc = await open.http.get('/docs/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths)).toContain('/v1/conversations');
    const weekly = doc.body.paths['/v1/clinic/doctors/{id}/weekly-shifts/{itemId}'];
    expect(Object.keys(weekly).sort()).toEqual(['delete', 'put']);
    expect(weekly.put.requestBody.content['application/json'].schema.properties.weekday.enum).toContain('monday');
    for (const part of ['weekly-shifts', 'time-off', 'one-off-shifts']) {
      expect(Object.keys(doc.body.paths[`/v1/clinic/doctors/{id}/${part}`]).sort()).toEqual(['get', 'post']);
    }
  });
});
