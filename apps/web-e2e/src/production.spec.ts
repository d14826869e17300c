import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { e2eEnv, serviceSecrets } from './support/env';
import { registerThroughUi } from './support/flows';
import { ROOT } from './support/paths';
import { expect, test } from './support/test';

const STATIC_DIR = join(ROOT, 'apps', 'web', '.next', 'static');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

test('pages carry a CSP with a per-request nonce and the security headers, HSTS in production; hashed assets are immutable for a year', async ({ request }) => {
  const first = await request.get('/login');
  const second = await request.get('/login');
  const csp = first.headers()['content-security-policy'];
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp).not.toContain('unsafe-eval');
  expect(second.headers()['content-security-policy']).not.toBe(csp);
  expect(first.headers()).toMatchObject({
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-frame-options': 'DENY',
  });
  // The suite's web server runs with NODE_ENV=production.
  expect(first.headers()['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
  expect(first.headers()['cache-control']).toMatch(/no-store/);

  // Only what the app uses: voice-api's WebSocket origin (the browser never fetches voice-api over
  // HTTP; it starts calls through this app's /api/sessions), and no blob: or data: anywhere.
  const voice = new URL(e2eEnv().voiceUrl);
  const directives = Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );
  expect(directives['connect-src']).toEqual(["'self'", `ws://${voice.host}`]);
  expect(csp).not.toContain('blob:');
  expect(csp).not.toContain('data:');
  expect(directives['img-src']).toEqual(["'self'"]);
  expect(directives['media-src']).toEqual(["'self'"]);
  expect(directives['worker-src']).toEqual(["'self'"]);

  const asset = /\/_next\/static\/[^"']+\.js/.exec(await first.text())?.[0];
  expect(asset, 'the login page loads a hashed script').toBeTruthy();
  const res = await request.get(asset as string);
  expect(res.status()).toBe(200);
  expect(res.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
});

test('state-changing route handlers refuse cross-site requests, even with the session cookie', async ({ page, browser }) => {
  await registerThroughUi(page);
  const evil = await page.request.post('/api/sessions', { headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, data: {} });
  expect(evil.status()).toBe(403);
  // An opaque origin (sandboxed frames, data: URLs) is cross-site too, not a server error.
  const opaque = await page.request.post('/api/sessions', { headers: { origin: 'null', 'content-type': 'application/json' }, data: {} });
  expect(opaque.status()).toBe(403);
  const hangUp = await page.request.delete(`/api/sessions/${randomUUID()}`, { headers: { origin: 'null' } });
  expect(hangUp.status()).toBe(403);
  const anonymous = await browser.newContext();
  const signedOut = await anonymous.request.post(new URL('/api/sessions', page.url()).href, { headers: { origin: new URL(page.url()).origin }, data: {} });
  expect(signedOut.status()).toBe(401);
  await anonymous.close();
});

test('a server action posted from another site is refused and changes nothing; the same request from this site works', async ({ page }) => {
  await registerThroughUi(page);
  await page.goto('/profile');
  const displayName = page.getByLabel('Display name');
  await displayName.fill('Name AAAA');
  // The browser's own request: the action id and form fields as Next sends them.
  const [action] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'POST' && !!r.headers()['next-action']),
    page.getByRole('button', { name: 'Save' }).click(),
  ]);
  await expect(page.getByRole('status')).toHaveText('Saved.');
  const headers = action.headers();
  const replay = (origin: string, name: string) =>
    page.request.post(action.url(), {
      headers: {
        origin,
        'next-action': headers['next-action'],
        'next-router-state-tree': headers['next-router-state-tree'] ?? '',
        accept: 'text/x-component',
        'content-type': headers['content-type'],
      },
      data: Buffer.from((action.postDataBuffer() as Buffer).toString('latin1').replace('Name AAAA', name), 'latin1'),
      maxRedirects: 0,
    });

  const forged = await replay('https://evil.example', 'Name EVIL');
  expect(forged.status(), 'a cross-site server action is forbidden, not a server error').toBe(403);
  expect(await forged.json()).toEqual({ error: { code: 'forbidden', message: expect.stringMatching(/^Cross-site requests are not accepted/) } });
  await page.reload();
  await expect(displayName).toHaveValue('Name AAAA');

  // The same request with this site's origin goes through, so the refusal above was the Origin check.
  const own = await replay(new URL(page.url()).origin, 'Name BBBB');
  expect(own.status()).toBe(200);
  await page.reload();
  await expect(displayName).toHaveValue('Name BBBB');
});

test('the client bundle holds no secret: no service secret, key or token value, and no NEXT_PUBLIC_ variable', async () => {
  const secrets = Object.entries(process.env)
    .filter(([name, value]) => /SECRET|TOKEN|PASSWORD|PRIVATE|API_KEY/.test(name) && value && value.length >= 8)
    .map(([, value]) => value as string);
  // Every secret global setup gave the services: the web app's REDIS_URL (and its password), the
  // voice-api client secret, the access-token signing key (and each line of its PEM), the database URL.
  const given = serviceSecrets();
  expect(given.length).toBeGreaterThanOrEqual(4);
  secrets.push(...given, 'dev-voice-api-secret-change-me', 'BEGIN PRIVATE KEY', 'BEGIN EC PRIVATE KEY');
  const bundle = files(STATIC_DIR).filter((f) => /\.(js|css|json|map)$/.test(f));
  expect(bundle.length).toBeGreaterThan(5);
  for (const file of bundle) {
    const text = readFileSync(file, 'utf8');
    for (const secret of secrets) expect(text.includes(secret), `${file} contains a secret value`).toBe(false);
  }
  const sources = files(join(ROOT, 'apps', 'web', 'src')).map((f) => readFileSync(f, 'utf8'));
  expect(sources.filter((s) => s.includes('NEXT_PUBLIC_'))).toEqual([]);

  // next.config's `env` would inline values into client code at build time: there is none, in the
  // source or in the config the build ran with.
  const source = readFileSync(join(ROOT, 'apps', 'web', 'next.config.ts'), 'utf8');
  expect(source).toMatch(/^\s*output:/m);
  expect(source).not.toMatch(/^\s*env\s*[:(,]/m);
  const built = JSON.parse(readFileSync(join(ROOT, 'apps', 'web', '.next', 'required-server-files.json'), 'utf8')) as {
    config: { env?: Record<string, string> };
  };
  expect(built.config.env ?? {}).toEqual({});
});
