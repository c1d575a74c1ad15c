import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPageServer } from './support/page-server.js';
import { api, cleanUpServers, freePort, PASSWORD, startServer, type ServerProcess } from './support/server.js';

let server: ServerProcess;
let site: Server;
let origin: string;
let browser: Browser;

const CHROMIUM = '/usr/bin/chromium';

// A plain page of another site that loads the bundle from the watchtower server itself.
const page = (serverUrl: string) => `<!doctype html>
<title>served</title>
<script src="${serverUrl}/sdk/watchtower.min.js"></script>
<script>
  const settings = new URLSearchParams(location.search);
  const watchtower = new Watchtower.WatchtowerClient({ url: ${JSON.stringify(serverUrl)}, password: settings.get('key') });
  watchtower
    .pulse({ service: 'served-page', nextIn: '5m', alertType: 'log', alertTarget: 'web' })
    .then((heartbeat) => (window.outcome = { heartbeat }), (error) => (window.outcome = { error: String(error) }));
</script>`;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  [server, browser] = await Promise.all([
    startServer({ env: { WATCHTOWER_CORS_ORIGINS: origin } }),
    chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] }),
  ]);
  site = await startPageServer(port, { '/served.html': page(server.url) });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((closed) => site?.close(closed));
  await cleanUpServers();
});

it('pulses the server from a plain page that loads the bundle the server serves', async () => {
  const created = await fetch(`${server.url}/keys`, {
    method: 'POST',
    headers: { password: PASSWORD, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'site', scope: 'pulse' }),
  });
  const { secret } = (await created.json()) as { secret: string };
  const tab = await browser.newPage();
  const scriptAnswers: number[] = [];
  tab.on('response', (response) => {
    if (response.url().endsWith('/sdk/watchtower.min.js')) scriptAnswers.push(response.status());
  });
  await tab.goto(`${origin}/served.html?key=${encodeURIComponent(secret)}`);
  await tab.waitForFunction(() => (window as { outcome?: unknown }).outcome !== undefined, undefined, { timeout: 15_000 });
  const outcome = await tab.evaluate(() => (window as { outcome?: { heartbeat?: { service: string }; error?: string } }).outcome);
  expect(outcome?.error).toBeUndefined();
  expect(outcome?.heartbeat?.service).toBe('served-page');
  expect(scriptAnswers).toEqual([200]);
  const { body } = await api(server.url, '/heartbeat/served-page');
  expect(body.heartBeat).toMatchObject({ service: 'served-page', alertType: 'log', alertTarget: 'web', status: 'alive' });
});
