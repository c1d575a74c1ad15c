// Not part of `npm test`: `pnpm --filter @watchtower/gui screenshots` writes the README's
// pictures, docs/dashboard-*.png, from a server on a scratch PostgreSQL database, with
// realistic data (events spread over a day are written into the database directly, since
// the API dates every event "now"). Alerts go to a fake provider on loopback.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, it } from 'vitest';
import { launchBrowser, openPage, signIn } from './support/browser.js';
import { addEvent, call, cleanUp, createDatabase, pulse, startServer, type Server } from './support/server.js';

const DOCS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs');

let server: Server;
let browser: Browser;
let providers: HttpServer;
let providersUrl: string;

const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));

beforeAll(async () => {
  // Pushover, Resend and webhooks answer 200; the payments team's webhook is down.
  providers = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/hooks/payments')) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream unavailable');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url === '/emails' ? { id: 'fake' } : { status: 1, request: 'fake' }));
    });
  });
  await new Promise<void>((listening) => providers.listen(0, '127.0.0.1', listening));
  const address = providers.address();
  providersUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const databaseUrl = await createDatabase();
  [server, browser] = await Promise.all([
    startServer({
      databaseUrl,
      env: {
        PUSHOVER_TOKEN: 'a'.repeat(30),
        PUSHOVER_API_URL: providersUrl,
        RESEND_API_KEY: 're_fake',
        RESEND_BASE_URL: providersUrl,
        WATCHTOWER_MAIL_FROM: 'watchtower@example.com',
        WATCHTOWER_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
        WATCHTOWER_ALLOW_PRIVATE_TARGETS: '1',
      },
      config: {
        gui: {
          eventsPresets: [
            { name: 'Errors today', filters: { level: 'error', since: '1d' } },
            { name: 'Backups', filters: { service: 'nightly-backup', since: '1w' } },
            { name: 'Timeouts', filters: { message: 'timed out', since: '1d' } },
          ],
        },
      },
    }),
    launchBrowser(),
  ]);

  // A day of events, written with their dates in the past.
  const services = ['api-gateway', 'billing-worker', 'search-indexer', 'nightly-backup', 'mail-relay', 'payments-reconciler'];
  const messages: Array<[number, string]> = [
    [20, 'request served in 42 ms'],
    [20, 'indexed 1,204 documents'],
    [10, 'cache hit ratio 0.93'],
    [20, 'job finished'],
    [30, 'retrying after 502 from upstream'],
    [30, 'queue depth above 500'],
    [40, 'upstream timed out after 30 s'],
    [20, 'config reloaded'],
  ];
  const rows: Array<[string, number, string, number]> = [];
  for (let index = 0; index < 64; index += 1) {
    const minutesAgo = Math.round(((index * 97) % 1380) + 20 + (index % 5) * 3);
    const [level, message] = messages[(index * 5) % messages.length]!;
    rows.push([services[index % services.length]!, level, message, minutesAgo]);
  }
  // A bad hour, about five hours ago.
  for (let index = 0; index < 14; index += 1) {
    const level = index % 4 === 0 ? 50 : 40;
    const message = level === 50 ? 'card processor unreachable: 3 payments held' : 'settlement batch failed: connection reset';
    rows.push(['payments-reconciler', level, message, 290 + index * 4]);
  }
  // A service configured on the server, with a week of nightly runs (one failed).
  await call(server, 'PUT', '/heartbeat/db-dump', {
    cron: '30 2 * * *',
    tz: 'Europe/Paris',
    grace: '30m',
    maxRuntime: '1h',
    description: 'pg_dump of the orders database to the backup bucket',
    tags: ['db', 'nightly'],
    alertType: 'email',
    alertTarget: 'ops@example.com',
  });
  await call(server, 'POST', '/heartbeat', { service: 'db-dump' });
  const sql = postgres(databaseUrl, { max: 1 });
  for (const [service, level, message, minutesAgo] of rows) {
    await sql`insert into events (service, level, message, date)
      values (${service}, ${level}, ${message}, now() - make_interval(mins => ${minutesAgo}))`;
  }
  for (let day = 7; day >= 1; day -= 1) {
    const failed = day === 4;
    const seconds = failed ? 212 : 1_380 + ((day * 137) % 420);
    const message = failed
      ? 'pg_dump: error: connection to server lost'
      : `uploaded orders-${day}.dump.gz (${(3.1 + day / 10).toFixed(1)} GB)`;
    await sql`insert into runs (service, started_at, ended_at, outcome, exit_code, message)
      values ('db-dump', now() - make_interval(days => ${day}, mins => 40), now() - make_interval(days => ${day}, mins => 40) + make_interval(secs => ${seconds}),
        ${failed ? 'fail' : 'success'}, ${failed ? 2 : null}, ${message})`;
    if (failed) {
      await sql`insert into events (service, level, message, date)
        values ('db-dump', 40, ${`Service db-dump failed with exit code 2 after 3 min 32 s: ${message}`}, now() - make_interval(days => ${day}, mins => 37))`;
    }
  }
  await sql.end();

  // Services in every state. The late one warns as long before its deadline as its period: late at once.
  await call(server, 'PUT', '/heartbeat/report-builder', {
    alertType: 'log',
    alertTarget: 'reports',
    period: 600,
    grace: 0,
    warnBefore: 600,
  });
  await call(server, 'POST', '/heartbeat', { service: 'report-builder' });
  const pushoverKey = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';
  await call(server, 'POST', '/heartbeat', { service: 'api-gateway', alertType: 'pushover', alertTarget: pushoverKey, nextIn: 60 });
  await call(server, 'POST', '/heartbeat', {
    service: 'billing-worker',
    alertType: 'webhook',
    alertTarget: `${providersUrl}/hooks/billing`,
    nextIn: 300,
  });
  await call(server, 'POST', '/heartbeat', { service: 'mail-relay', alertType: 'email', alertTarget: 'ops@example.com', nextIn: 120 });
  await call(server, 'POST', '/heartbeat', {
    service: 'cert-renewer',
    alertType: 'email',
    alertTarget: 'security@example.com',
    nextIn: 604_800,
  });
  await pulse(server, 'search-indexer', 900, 'search-team');
  await call(server, 'POST', '/heartbeat', { service: 'nightly-backup', alertType: 'email', alertTarget: 'ops@example.com', nextIn: 1 });
  await call(server, 'POST', '/heartbeat', {
    service: 'payments-reconciler',
    alertType: 'webhook',
    alertTarget: `${providersUrl}/hooks/payments`,
    nextIn: 1,
  });
  await pulse(server, 'cache-warmer', 1, 'ops');
  await pulse(server, 'legacy-ftp-sync', 3_600, 'ops');
  await call(server, 'DELETE', '/heartbeat', { service: 'legacy-ftp-sync' });
  await sleep(2_500);
  await pulse(server, 'cache-warmer', 600, 'ops');
  await addEvent(server, 'nightly-backup', 'error', 'pg_dump: disk full on /var/backups (97 %)');
  await addEvent(server, 'api-gateway', 'info', 'deployed v2.14.1');
  await addEvent(server, 'billing-worker', 'warning', 'invoice run took 4 min 10 s (budget 5 min)');
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((closed) => providers?.close(closed));
  await cleanUp();
});

it('writes the screenshots of the board, the events explorer, a service and the alerts', async () => {
  mkdirSync(DOCS, { recursive: true });
  const page = await openPage(browser, { width: 1280, height: 760 });
  await signIn(page, server);
  await page.locator('tr[data-service="report-builder"][data-status="late"]').waitFor({ timeout: 60_000 });
  await page.locator('tr[data-service="nightly-backup"][data-status="dead"]').getByText('alerted').waitFor();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: resolve(DOCS, 'dashboard-board.png'), fullPage: true });

  await page.goto(`${server.url}/gui/events?since=1d`);
  await page.locator('table.events tbody tr').first().waitFor();
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.screenshot({ path: resolve(DOCS, 'dashboard-events.png') });

  const phone = await openPage(browser, { width: 390, height: 844 });
  await phone.addInitScript(() => localStorage.setItem('watchtower.theme', 'dark'));
  await signIn(phone, server);
  await phone.locator('tr[data-service="nightly-backup"]').waitFor();
  await phone.screenshot({ path: resolve(DOCS, 'dashboard-phone-dark.png') });

  await page.goto(`${server.url}/gui/services/db-dump`);
  await page.locator('table.runs tbody tr').first().waitFor();
  await page.locator('table.signal-log tbody tr').first().waitFor();
  await page.setViewportSize({ width: 1280, height: 1200 });
  await page.screenshot({ path: resolve(DOCS, 'dashboard-service.png') });

  await page.goto(`${server.url}/gui/alerts`);
  await page.locator('table.alerts tbody tr').first().waitFor();
  await sleep(1_000);
  await page.setViewportSize({ width: 1280, height: 640 });
  await page.screenshot({ path: resolve(DOCS, 'dashboard-alerts.png') });
});
