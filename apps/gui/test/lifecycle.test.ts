import type { CreateKeyResponse, Heartbeat } from '@watchtower/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, row, signIn } from './support/browser.js';
import { call, cleanUp, createDatabase, startServer, type Server } from './support/server.js';

let server: Server;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [server, browser] = await Promise.all([createDatabase().then((databaseUrl) => startServer({ databaseUrl })), launchBrowser()]);
  page = await openPage(browser);
  await signIn(page, server);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await cleanUp();
});

const path = (service: string) => `/heartbeat/${encodeURIComponent(service)}`;
const stored = async (service: string) => ((await call(server, 'GET', path(service))) as { heartBeat: Heartbeat }).heartBeat;
const put = (service: string, settings: Record<string, unknown> = {}) =>
  call(server, 'PUT', path(service), { alertType: 'log', alertTarget: 'ops', period: 3_600, ...settings });
const nowSeconds = () => Date.now() / 1000;

async function openService(target: Page, service: string) {
  await target.goto(`${server.url}/gui/services/${encodeURIComponent(service)}`);
  await target.getByRole('heading', { level: 1, name: service }).waitFor();
  await target.getByTestId('service-state').waitFor();
}

async function openEditForm(service: string) {
  await openService(page, service);
  await page.getByRole('link', { name: 'Edit' }).click();
  await page.waitForURL(/\/edit$/);
}

describe('warnings, reminders and dependencies in the service form', () => {
  it('stores warnBefore, remindEvery and dependsOn typed in the form, shows them, and clears them', async () => {
    await put('database');
    await put('reports', { grace: 60 });
    await openEditForm('reports');
    await page.getByLabel('Warn before').fill('10m');
    await page.getByLabel('Remind every').fill('2h');
    await page.getByLabel('Depends on').fill('database');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/\/gui\/services\/reports$/);

    expect(await stored('reports')).toMatchObject({ warnBefore: 600, remindEvery: 7_200, dependsOn: ['database'], grace: 60 });
    expect(await page.getByTestId('service-warn-before').innerText()).toBe('10 min before its deadline');
    expect(await page.getByTestId('service-remind-every').innerText()).toBe('2 h while dead');
    expect(await page.getByTestId('service-depends-on').innerText()).toBe('database');

    await page.getByRole('link', { name: 'Edit' }).click();
    expect(await page.getByLabel('Warn before').inputValue()).toBe('10m');
    expect(await page.getByLabel('Remind every').inputValue()).toBe('2h');
    expect(await page.getByLabel('Depends on').inputValue()).toBe('database');
    await page.getByLabel('Warn before').fill('');
    await page.getByLabel('Remind every').fill('');
    await page.getByLabel('Depends on').fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/\/gui\/services\/reports$/);
    expect(await stored('reports')).toMatchObject({ warnBefore: null, remindEvery: null, dependsOn: [], grace: 60 });
    expect(await page.getByTestId('service-warn-before').innerText()).toBe('no warning');
    expect(await page.getByTestId('service-depends-on').innerText()).toBe('nothing');
  });

  it('shows the server refusal of an unknown dependency beside the field, and stores nothing', async () => {
    await put('importer');
    await openEditForm('importer');
    await page.getByLabel('Depends on').fill('no-such-service');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const message = page.getByTestId('form-message').filter({ hasText: 'The server refused it' });
    await message.waitFor();
    expect(await message.innerText()).toMatch(/^The server refused it: dependsOn names "no-such-service", which is no service here/);
    expect(await page.getByLabel('Depends on').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('dependsOn');
    expect(page.url()).toMatch(/\/edit$/);
    expect((await stored('importer')).dependsOn).toEqual([]);
  });

  it('refuses a warnBefore that is no duration before sending it', async () => {
    await openEditForm('importer');
    await page.getByLabel('Warn before').fill('soon');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByTestId('form-message').filter({ hasText: 'Warn before must be' }).waitFor();
    expect((await stored('importer')).warnBefore).toBeNull();
  });
});

describe('snoozing', () => {
  it('snoozes a service for 1 hour from its page, shows until when, and ends the snooze', async () => {
    await put('backup', { tags: ['db'] });
    await openService(page, 'backup');
    expect(await page.getByTestId('service-snooze').count()).toBe(0);
    await page.getByRole('button', { name: 'Snooze…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Snooze backup?' });
    await dialog.getByLabel('1 hour').check();
    expect(await dialog.getByTestId('snooze-span').innerText()).toBe('No alert for 1 hour.');
    const asked = nowSeconds();
    await dialog.getByRole('button', { name: 'Snooze', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });

    const snooze = page.getByTestId('service-snooze');
    await snooze.waitFor();
    expect(await snooze.innerText()).toMatch(/^snoozed until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(in (59 min|1 h)/);
    const { snoozedUntil } = await stored('backup');
    expect(snoozedUntil).toBeGreaterThan(asked + 3_590);
    expect(snoozedUntil).toBeLessThan(nowSeconds() + 3_610);

    await page.getByRole('button', { name: 'End snooze' }).click();
    await snooze.waitFor({ state: 'detached' });
    expect((await stored('backup')).snoozedUntil).toBeNull();
    await page.getByRole('button', { name: 'Snooze…' }).waitFor();
  });

  it('snoozes until a chosen date and time', async () => {
    await openService(page, 'backup');
    await page.getByRole('button', { name: 'Snooze…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Snooze backup?' });
    await dialog.getByLabel('until a date and time').check();
    const until = new Date(Date.now() + 3 * 86_400_000);
    until.setSeconds(0, 0);
    const local = new Date(until.getTime() - until.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await dialog.getByLabel('Snooze until').fill(local);
    await dialog.getByRole('button', { name: 'Snooze', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('service-snooze').waitFor();
    expect((await stored('backup')).snoozedUntil).toBe(until.getTime() / 1000);
    await call(server, 'DELETE', `${path('backup')}/snooze`);
    await page.getByTestId('service-snooze').waitFor({ state: 'detached' });
  });

  it('snoozes every service of a tag from the board after a confirmation that counts them', async () => {
    await put('replica', { tags: ['db', 'eu'] });
    await put('web', { tags: ['front'] });
    await page.goto(`${server.url}/gui/`);
    await row(page, 'web').waitFor();
    await page.getByRole('button', { name: 'Snooze services…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Snooze services?' });
    await dialog.getByLabel('Services').selectOption('db');
    expect(await dialog.getByTestId('snooze-many-covers').innerText()).toBe(
      'This snoozes every service tagged db: 2 services (backup, replica). No alert goes out for them until the snooze ends.',
    );
    await dialog.getByLabel('4 hours').check();
    await dialog.getByRole('button', { name: 'Snooze 2 services' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page
      .getByTestId('snooze-many-done')
      .filter({ hasText: /^Snoozed 2 services until / })
      .waitFor();

    for (const service of ['backup', 'replica']) {
      await row(page, service)
        .getByTestId('snoozed')
        .filter({ hasText: /^snoozed until / })
        .waitFor();
      expect((await stored(service)).snoozedUntil).toBeGreaterThan(nowSeconds() + 4 * 3_600 - 60);
    }
    expect((await stored('web')).snoozedUntil).toBeNull();
    expect(await row(page, 'web').getByTestId('snoozed').count()).toBe(0);
  });

  it('shows a snooze made elsewhere on the board as it happens, and its end', async () => {
    await page.goto(`${server.url}/gui/`);
    await row(page, 'web').waitFor();
    await call(server, 'POST', `${path('web')}/snooze`, { for: 600 });
    await row(page, 'web').getByTestId('snoozed').waitFor();
    await call(server, 'DELETE', `${path('web')}/snooze`);
    await row(page, 'web').getByTestId('snoozed').waitFor({ state: 'detached' });
  });

  it('offers a read key no snooze, on the board nor on a service page', async () => {
    const { secret } = (await call(server, 'POST', '/keys', { name: 'wallboard', scope: 'read' })) as CreateKeyResponse;
    const reader = await openPage(browser);
    await signIn(reader, server, '/gui/', secret);
    await row(reader, 'backup').waitFor();
    await reader.getByTestId('read-only').waitFor();
    expect(await reader.getByRole('button', { name: /Snooze/ }).count()).toBe(0);
    await openService(reader, 'backup');
    await reader.getByTestId('read-only').waitFor();
    expect(await reader.getByRole('button', { name: /snooze/i }).count()).toBe(0);
    await reader.context().close();
  });
});

describe('pulse messages and early warnings', () => {
  it('shows the last pulse message on the board, cut short, whole in its title and on the service page', async () => {
    await put('nightly-dump');
    await page.goto(`${server.url}/gui/`);
    await row(page, 'nightly-dump').waitFor();
    const long = `dumped 3 GB in 2 min; ${'table ok, '.repeat(20)}done`;
    await call(server, 'POST', '/heartbeat', { service: 'nightly-dump', message: long });

    const shown = row(page, 'nightly-dump').getByTestId('pulse-message');
    await shown.waitFor();
    expect(await shown.getAttribute('title')).toBe(long);
    const text = await shown.innerText();
    expect(text.startsWith('dumped 3 GB in 2 min; table ok,')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect([...text].length).toBe(80);

    await openService(page, 'nightly-dump');
    expect(await page.getByTestId('service-message').innerText()).toBe(long);
    await call(server, 'POST', '/heartbeat', { service: 'nightly-dump', message: 'second run' });
    await page
      .getByTestId('service-message')
      .filter({ hasText: /^second run$/ })
      .waitFor();
  });

  it('calls a service late soon from its warnBefore ahead of the deadline, and not before', async () => {
    await put('warned', { period: 600, grace: 0, warnBefore: 600 });
    await call(server, 'POST', '/heartbeat', { service: 'warned' });
    await call(server, 'POST', '/heartbeat', { service: 'close-call', alertType: 'log', alertTarget: 'ops', nextIn: 20 });
    const pulsed = Date.now();
    await page.goto(`${server.url}/gui/`);
    await page.locator('tr[data-service="warned"][data-status="late"]').waitFor();
    expect((await stored('warned')).status).toBe('late');
    // Without warnBefore, a service is alive until its deadline, however close: 3 s before it here.
    await page.waitForTimeout(pulsed + 17_000 - Date.now());
    expect(await row(page, 'close-call').getAttribute('data-status')).toBe('alive');
    expect((await stored('close-call')).status).toBe('alive');
  });
});
