import { guardMutation, isSameOrigin } from './route-guard';

jest.mock('./session', () => ({ getSession: jest.fn(async () => ({ id: 's', user: { id: 'u' }, accessToken: 'a' })) }));

const request = (headers: Record<string, string>) => new Request('http://app.example/api/sessions', { method: 'POST', headers });

describe('isSameOrigin', () => {
  it('accepts an Origin naming this host, or no Origin with Sec-Fetch-Site same-origin', () => {
    expect(isSameOrigin(new Headers({ origin: 'http://app.example', host: 'app.example' }))).toBe(true);
    expect(isSameOrigin(new Headers({ origin: 'https://app.example', host: 'internal:8080', 'x-forwarded-host': 'app.example' }))).toBe(true);
    expect(isSameOrigin(new Headers({ 'sec-fetch-site': 'same-origin', host: 'app.example' }))).toBe(true);
  });

  it('refuses other sites, opaque and malformed origins, and requests that say nothing', () => {
    expect(isSameOrigin(new Headers({ origin: 'https://evil.example', host: 'app.example' }))).toBe(false);
    expect(isSameOrigin(new Headers({ origin: 'null', host: 'app.example' }))).toBe(false);
    expect(isSameOrigin(new Headers({ origin: 'not a url', host: 'app.example' }))).toBe(false);
    expect(isSameOrigin(new Headers({ origin: 'chrome-extension://app.example', host: 'app.example' }))).toBe(false);
    expect(isSameOrigin(new Headers({ origin: 'http://app.example' }))).toBe(false);
    expect(isSameOrigin(new Headers({ 'sec-fetch-site': 'cross-site', host: 'app.example' }))).toBe(false);
    expect(isSameOrigin(new Headers({ host: 'app.example' }))).toBe(false);
  });
});

describe('guardMutation', () => {
  it('answers 403 to `Origin: null` instead of throwing', async () => {
    const res = await guardMutation(request({ origin: 'null', host: 'app.example' }));
    expect(res).toBeInstanceOf(Response);
    expect((res as Response).status).toBe(403);
  });

  it('lets a same-origin request with a session through', async () => {
    const res = await guardMutation(request({ origin: 'http://app.example', host: 'app.example' }));
    expect(res).toMatchObject({ id: 's', accessToken: 'a' });
  });
});
