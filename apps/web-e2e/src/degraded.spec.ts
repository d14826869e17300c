import { createServer, connect, type Server, type Socket } from 'node:net';
import { ChatPage } from './pages/chat.page';
import { RegisterPage } from './pages/register.page';
import { e2eEnv } from './support/env';
import { WEB_SERVER } from './support/paths';
import { freePorts } from '@voice/testing';
import { startService, stopService, webEnv, type Service } from './support/processes';
import { expect, newUser, test } from './support/test';

/** Another web server of the suite's build, on `port`, with the API addresses given. */
const startWeb = (name: string, port: number, apis: { persistenceUrl: string; voiceUrl: string }) =>
  startService({
    name,
    script: WEB_SERVER,
    env: webEnv(port, { ...apis, webClientSecret: e2eEnv().webClientSecret }),
    url: `http://127.0.0.1:${port}`,
    healthPath: '/login',
  });

/**
 * A second web server of the same build, pointed at a voice-api address where nothing listens:
 * what a person sees when voice-api is down (persistence-api is the suite's real one).
 */
test.describe('when voice-api cannot be reached', () => {
  let web: Service;
  test.beforeAll(async () => {
    const [port, nobody] = await freePorts(2);
    web = await startWeb('web-without-voice', port, { persistenceUrl: e2eEnv().persistenceUrl, voiceUrl: `http://127.0.0.1:${nobody}` });
  });
  test.afterAll(async () => {
    if (web) await stopService(web);
  });

  // "unreachable", not "did not answer within": the refused connection is reported at once, without waiting for the probe's timeout.
  test('/api/health answers 503 naming voice-api as unreachable, and not persistence-api', async ({ request }) => {
    const res = await request.get(`${web.url}/api/health`);
    expect(res.status()).toBe(503);
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string; error?: string }> };
    expect(body.status).toBe('error');
    expect(body.checks['persistence-api'].status).toBe('up');
    expect(body.checks['voice-api']).toMatchObject({ status: 'down', error: 'unreachable' });
  });

  test('starting a call says the voice service cannot be reached, and the page stays usable', async ({ page }) => {
    const register = new RegisterPage(page);
    await page.goto(`${web.url}/register`);
    await register.register(newUser());
    await expect(page).toHaveURL(/\/chat$/);
    const chat = new ChatPage(page);
    await chat.startCallButton.click();
    await expect(chat.error(/voice service cannot be reached/i)).toBeVisible();
    await expect(chat.startCallButton).toBeEnabled();
    await expect(chat.agentState).toHaveText('Idle');
  });
});

/**
 * A TCP forwarder to persistence-api that can be switched off: while it is off, every connection
 * (open or new) is cut, as when persistence-api restarts.
 */
async function switchableForwarder(target: URL, port: number): Promise<{ server: Server; setUp(up: boolean): void }> {
  let up = true;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => (client.destroy(), upstream.destroy()));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    server,
    setUp(value: boolean) {
      up = value;
      if (!value) for (const s of sockets) s.destroy();
    },
  };
}

test.describe('when persistence-api drops out for a moment', () => {
  let web: Service;
  let forwarder: Awaited<ReturnType<typeof switchableForwarder>>;
  test.beforeAll(async () => {
    const [port, forwarded] = await freePorts(2);
    forwarder = await switchableForwarder(new URL(e2eEnv().persistenceUrl), forwarded);
    web = await startWeb('web-with-flaky-persistence', port, { persistenceUrl: `http://127.0.0.1:${forwarded}`, voiceUrl: e2eEnv().voiceUrl });
  });
  test.afterAll(async () => {
    if (web) await stopService(web);
    forwarder?.setUp(false);
    await new Promise((r) => forwarder?.server.close(r));
  });

  test('the page says something went wrong, and "Try again" loads it once the service is back', async ({ page }) => {
    const register = new RegisterPage(page);
    await page.goto(`${web.url}/register`);
    const user = newUser();
    await register.register(user);
    await expect(page).toHaveURL(/\/chat$/);

    forwarder.setUp(false);
    await page.goto(`${web.url}/profile`);
    await expect(page.getByRole('heading', { name: 'Something went wrong' })).toBeVisible();

    // Back: "Try again" must fetch the page again, not re-render the failed one it already has.
    forwarder.setUp(true);
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
    await expect(page.getByText(`Signed in as ${user.email}`)).toBeVisible();
  });
});
