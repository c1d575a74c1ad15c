import type { Heartbeat } from '@watchtower/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, row, signIn } from './support/browser.js';
import { call, cleanUp, startServer, type Server } from './support/server.js';

let server: Server;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  page = await openPage(browser);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await signIn(page, server);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await cleanUp();
});

const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));
const stored = async (service: string) =>
  ((await call(server, 'GET', `/heartbeat/${encodeURIComponent(service)}`)) as { heartBeat: Heartbeat }).heartBeat;
const put = (service: string, settings: Record<string, unknown>) =>
  call(server, 'PUT', `/heartbeat/${encodeURIComponent(service)}`, { alertType: 'log', alertTarget: 'ops', ...settings });

async function openService(target: Page, service: string) {
  await target.goto(`${server.url}/gui/services/${encodeURIComponent(service)}`);
  await target.getByRole('heading', { level: 1, name: service }).waitFor();
  await target.getByTestId('service-state').waitFor();
}

async function openNewServiceForm(target: Page) {
  await target.goto(`${server.url}/gui/`);
  await target.getByRole('link', { name: 'New service' }).click();
  await target.waitForURL(/\/gui\/new-service$/);
}

describe('creating a service through the form', () => {
  it('creates a service that shows on the board as new, with the settings typed', async () => {
    await openNewServiceForm(page);
    // The name field has the focus: the form is filled from the keyboard.
    await page.keyboard.type('nightly-backup');
    await page.getByLabel('Period', { exact: true }).fill('30m');
    await page.getByLabel('Grace').fill('10m');
    await page.getByLabel('Max runtime').fill('1h');
    await page.getByLabel('Description').fill('pg_dump of the main database');
    await page.getByLabel('Tags').fill('db, nightly');
    await page.getByLabel('Alert type').selectOption('log');
    await page.getByLabel('Alert target').fill('ops');
    await page.getByLabel('Alert target').press('Enter');

    await page.waitForURL(/\/gui\/services\/nightly-backup$/);
    expect(await page.getByTestId('service-state').innerText()).toMatch(/new\s+Waiting for its first signal/);
    expect(await stored('nightly-backup')).toMatchObject({
      status: 'new',
      schedule: { kind: 'period', period: 1_800 },
      grace: 600,
      maxRuntime: 3_600,
      description: 'pg_dump of the main database',
      tags: ['db', 'nightly'],
      alertType: 'log',
      alertTarget: 'ops',
    });

    await page.getByRole('link', { name: '← Heartbeats' }).click();
    await page.locator('tr[data-service="nightly-backup"][data-status="new"]').waitFor();
    expect(await page.getByTestId('count-new').innerText()).toMatch(/1\s+new/);
  });

  it('says which field is wrong before sending anything, and moves the focus to it', async () => {
    await openNewServiceForm(page);
    await page.getByLabel('Name').fill('never-created');
    await page.getByLabel('Period', { exact: true }).fill('soon');
    await page.getByRole('button', { name: 'Create service' }).click();
    const message = page.getByTestId('form-message');
    await message.waitFor();
    expect(await message.innerText()).toMatch(/Period must be a positive number of seconds or a duration such as .*received "soon"/);
    expect(await page.getByLabel('Period', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('period');
    // The message lives in a region that screen readers announce.
    expect(await message.evaluate((element) => element.parentElement?.getAttribute('aria-live'))).toBe('assertive');
    await expect(stored('never-created')).rejects.toThrow(/404/);
  });

  it('shows the server hint beside the form when it refuses a cron expression', async () => {
    await openNewServiceForm(page);
    await page.getByLabel('Name').fill('bad-cron');
    await page.getByLabel('Cron schedule').check();
    await page.getByLabel('Cron expression').fill('0 25 * * *');
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await page.getByRole('button', { name: 'Create service' }).click();
    const message = page.getByTestId('form-message').filter({ hasText: 'The server refused it' });
    await message.waitFor();
    const refused = await fetch(`${server.url}/heartbeat/bad-cron`, {
      method: 'PUT',
      headers: { password: 'dashboard-test-password', 'content-type': 'application/json' },
      body: JSON.stringify({ cron: '0 25 * * *', tz: 'Europe/Paris', grace: 3600 }),
    });
    const { hint } = (await refused.json()) as { hint: string };
    expect(hint).toMatch(/hour/);
    expect(await message.innerText()).toBe(`The server refused it: ${hint}`);
    expect(page.url()).toMatch(/\/gui\/new-service$/);
    await expect(stored('bad-cron')).rejects.toThrow(/404/);
  });

  it('does not replace a service that exists already', async () => {
    await put('taken', { period: 3_600, description: 'the first one' });
    await openNewServiceForm(page);
    await page.getByLabel('Name').fill('taken');
    await page.getByRole('button', { name: 'Create service' }).click();
    await page.getByTestId('form-message').filter({ hasText: 'A service named taken exists already' }).waitFor();
    expect((await stored('taken')).description).toBe('the first one');
  });
});

describe('the page of a service', () => {
  it('opens from the board and shows the ping URLs, with a curl example for a crontab', async () => {
    await put('reports', { cron: '15 3 * * 1-5', tz: 'Europe/Paris', grace: '30m' });
    const { pingUrl } = await stored('reports');
    await page.goto(`${server.url}/gui/`);
    await row(page, 'reports').getByRole('link', { name: 'reports' }).click();
    await page.waitForURL(/\/gui\/services\/reports$/);
    expect(await page.getByTestId('service-schedule').innerText()).toBe('cron 15 3 * * 1-5 in Europe/Paris');

    const urls = await page
      .locator('.ping-urls li')
      .evaluateAll((items) => items.map((item) => [item.getAttribute('data-ping'), item.querySelector('code')?.textContent]));
    expect(urls).toEqual([
      ['Success', pingUrl],
      ['Start', `${pingUrl}/start`],
      ['Failure', `${pingUrl}/fail`],
      ['Log', `${pingUrl}/log`],
    ]);
    expect(await page.getByTestId('curl-command').innerText()).toBe(`curl -fsS -m 10 --retry 5 -o /dev/null ${pingUrl}`);
    expect(await page.getByTestId('crontab-line').innerText()).toBe(
      `15 3 * * 1-5 /usr/local/bin/job.sh && curl -fsS -m 10 --retry 5 -o /dev/null ${pingUrl}`,
    );

    await page.getByRole('button', { name: 'Copy start URL' }).click();
    await page.getByRole('status').filter({ hasText: 'start URL copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${pingUrl}/start`);
  });

  it('shows the status badge, loaded from the public badge URL, with its Markdown to copy', async () => {
    await put('badged', { period: 3_600 });
    await openService(page, 'badged');
    const { badgeUrl } = await stored('badged');
    const preview = page.getByTestId('badge-preview');
    await preview.waitFor();
    // The picture loaded: the badge URL answers without credentials.
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="badge-preview"]');
      return img?.complete && img.naturalWidth > 0;
    });
    expect(await preview.getAttribute('src')).toBe(badgeUrl);
    expect(await page.getByTestId('badge-markdown').innerText()).toBe(`[![badged](${badgeUrl})](${server.url}/gui/services/badged)`);
    expect(await page.getByTestId('badge-shields').innerText()).toBe(
      `https://img.shields.io/endpoint?url=${encodeURIComponent(badgeUrl!.replace(/\.svg$/, '.json'))}`,
    );
    const badge = await fetch(badgeUrl!);
    expect([badge.status, badge.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^image\/svg\+xml/)]);
  });

  it('opens the page of a service whose name holds a slash and a space, and acts on it', async () => {
    await put('db/primary eu', { period: 600 });
    await page.goto(`${server.url}/gui/`);
    await row(page, 'db/primary eu').getByRole('link', { name: 'db/primary eu' }).click();
    await page.waitForURL(/\/gui\/services\/db%2Fprimary%20eu$/);
    await page.getByTestId('service-state').filter({ hasText: 'Waiting for its first signal' }).waitFor();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByTestId('service-state').filter({ hasText: 'Paused' }).waitFor();
    expect((await stored('db/primary eu')).status).toBe('paused');
    // A reload lands on the same page: the server answers the dashboard for any path below /gui/.
    await page.reload();
    await page.getByTestId('service-state').filter({ hasText: 'Paused' }).waitFor();
  });

  it('pauses and resumes a service', async () => {
    await put('batch', { period: 600 });
    await call(server, 'POST', '/heartbeat', { service: 'batch' });
    await openService(page, 'batch');
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByTestId('service-state').filter({ hasText: 'Paused' }).waitFor();
    expect((await stored('batch')).status).toBe('paused');

    await page.getByRole('button', { name: 'Resume' }).click();
    await page
      .getByTestId('service-state')
      .filter({ hasText: /alive\s+Expected in/ })
      .waitFor();
    expect((await stored('batch')).status).toBe('alive');
    await page.getByRole('button', { name: 'Pause' }).waitFor();
  });

  it('shows a run recorded through the API, live, with its duration, outcome and exit code', async () => {
    await put('etl', { period: '1d', maxRuntime: '1h' });
    await openService(page, 'etl');
    await page.getByTestId('no-runs').waitFor();

    await call(server, 'POST', '/heartbeat/etl/start', {});
    const running = page.locator('table.runs tbody tr[data-outcome="running"]');
    await running.waitFor();
    expect(await running.innerText()).toMatch(/so far/);
    await sleep(1_200);
    await call(server, 'POST', '/heartbeat/etl/fail', { exitCode: 3, message: 'pg_dump: connection refused' });

    const failed = page.locator('table.runs tbody tr[data-outcome="fail"]');
    await failed.waitFor();
    expect(await failed.locator('td[data-label="Duration"]').innerText()).toMatch(/^1\.\d s$/);
    expect(await failed.locator('td[data-label="Outcome"]').innerText()).toBe('failed');
    expect(await failed.locator('td[data-label="Exit code"]').innerText()).toBe('3');
    expect(await failed.locator('td[data-label="Message"]').innerText()).toBe('pg_dump: connection refused');
    expect(await page.locator('table.runs tbody tr').count()).toBe(1);
    // The failure is in its signal log too, as the server words it.
    await page.locator('table.signal-log tbody tr', { hasText: 'failed with exit code 3' }).waitFor();

    // The next run starts and succeeds at once: the table shows where it ended, not where it was.
    await call(server, 'POST', '/heartbeat/etl/start', {});
    await call(server, 'POST', '/heartbeat', { service: 'etl', message: 'dumped 3 GB' });
    await page.locator('table.runs tbody tr[data-outcome="success"]', { hasText: 'dumped 3 GB' }).waitFor();
    expect(await page.locator('table.runs tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-outcome')))).toEqual([
      'success',
      'fail',
    ]);
  });

  it('pages through the runs with "Load more runs"', async () => {
    await put('often', { period: 60 });
    for (let index = 0; index < 25; index += 1) await call(server, 'POST', '/heartbeat/often/fail', { exitCode: index % 256 });
    await openService(page, 'often');
    await page.waitForFunction(() => document.querySelectorAll('table.runs tbody tr').length === 20);
    await page.getByRole('button', { name: 'Load more runs' }).click();
    await page.getByTestId('runs-count').filter({ hasText: '25 runs shown, all there are' }).waitFor();
    const codes = await page.locator('table.runs td[data-label="Exit code"]').allInnerTexts();
    expect(codes).toEqual(Array.from({ length: 25 }, (_, index) => String(24 - index)));
  });
});

describe('editing and deleting a service', () => {
  it('changes only the fields edited', async () => {
    await put('mailer', { period: '1h', grace: '5m', description: 'sends the digest', tags: ['mail'] });
    await openService(page, 'mailer');
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.waitForURL(/\/gui\/services\/mailer\/edit$/);
    expect(await page.getByLabel('Period', { exact: true }).inputValue()).toBe('1h');
    expect(await page.getByLabel('Grace').inputValue()).toBe('5m');
    await page.getByLabel('Grace').fill('15m');
    await page.getByLabel('Tags').fill('mail, digest');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/\/gui\/services\/mailer$/);
    await page.getByText('15 min', { exact: true }).waitFor();
    expect(await stored('mailer')).toMatchObject({
      schedule: { kind: 'period', period: 3_600 },
      grace: 900,
      description: 'sends the digest',
      tags: ['mail', 'digest'],
    });
  });

  it('deletes a service only after confirmation, and it leaves the board', async () => {
    await put('retired-job', { period: 600 });
    await openService(page, 'retired-job');
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete retired-job?' });
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await stored('retired-job')).service).toBe('retired-job');

    await page.getByRole('button', { name: 'Delete…' }).click();
    await dialog.getByRole('button', { name: 'Delete service' }).click();
    await page.waitForURL(/\/gui\/$/);
    await row(page, 'nightly-backup').waitFor();
    expect(await row(page, 'retired-job').count()).toBe(0);
    await expect(stored('retired-job')).rejects.toThrow(/404/);
  });

  it('says so when the service shown is deleted elsewhere', async () => {
    await put('ephemeral', { period: 600 });
    await openService(page, 'ephemeral');
    await call(server, 'DELETE', '/heartbeat/ephemeral');
    await page.getByTestId('unknown-service').waitFor();
  });
});
