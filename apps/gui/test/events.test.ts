import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, signIn } from './support/browser.js';
import { addEvent, call, cleanUp, createDatabase, startServer, type Server } from './support/server.js';

let server: Server;
let browser: Browser;
let page: Page;

const PRESET = { name: 'Backup errors', filters: { service: 'backup', level: 'error', since: '1d' } };

beforeAll(async () => {
  [server, browser] = await Promise.all([
    createDatabase().then((databaseUrl) => startServer({ databaseUrl, config: { gui: { eventsPresets: [PRESET] } } })),
    launchBrowser(),
  ]);
  await addEvent(server, 'backup', 'info', 'backup started');
  await addEvent(server, 'backup', 'error', 'disk full on /var');
  await addEvent(server, 'backup', 'critical', 'backup aborted');
  await addEvent(server, 'web', 'error', 'upstream timed out');
  await addEvent(server, 'web', 'debug', 'cache warm');
  // 130 events of one service, so paging shows: 100, then "load more".
  await Promise.all(Array.from({ length: 130 }, (_, index) => addEvent(server, 'bulk', 'info', `bulk message ${index}`)));
  page = await openPage(browser);
  await signIn(page, server, '/gui/events');
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await cleanUp();
});

const shownRows = (target: Page) =>
  target
    .locator('table.events tbody tr')
    .evaluateAll((rows) => rows.map((row) => `${row.getAttribute('data-service')}:${row.getAttribute('data-level')}`));

async function search(target: Page, fields: { service?: string; level?: string; message?: string }) {
  await target.getByLabel('Service').fill(fields.service ?? '');
  await target.getByLabel('Level at least').selectOption(fields.level ?? '');
  await target.getByLabel('Message contains').fill(fields.message ?? '');
  await target.getByRole('button', { name: 'Search' }).click();
}

describe('the events explorer', () => {
  it('filters events by service and minimum level, and keeps the search in the URL', async () => {
    await search(page, { service: 'backup', level: 'error' });
    await page.waitForURL(/\/gui\/events\?service=backup&level=error$/);
    await page.waitForFunction(() => document.querySelectorAll('table.events tbody tr').length === 2);
    expect(await shownRows(page)).toEqual(['backup:50', 'backup:40']);
    expect(await page.locator('table.events').innerText()).toMatch(/critical[\s\S]*error/);

    // The link, shared: another tab of the same operator shows the same search.
    const shared = await openPage(browser);
    await signIn(shared, server, `/gui/events?service=backup&level=error`);
    await shared.waitForFunction(() => document.querySelectorAll('table.events tbody tr').length === 2);
    expect(await shownRows(shared)).toEqual(['backup:50', 'backup:40']);
    await shared.context().close();
  });

  it('filters by a part of the message, in any case', async () => {
    await search(page, { message: 'TIMED' });
    await page.waitForURL(/message=TIMED/);
    await page.waitForFunction(() => document.querySelectorAll('table.events tbody tr').length === 1);
    expect(await shownRows(page)).toEqual(['web:40']);
  });

  it('loads the next page with "Load more" until every match is shown', async () => {
    await search(page, { service: 'bulk' });
    await page.getByTestId('shown-count').filter({ hasText: '100 events shown' }).waitFor();
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByTestId('shown-count').filter({ hasText: '130 events shown, all that match' }).waitFor();
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    const messages = await page.locator('table.events td.message').allInnerTexts();
    expect(new Set(messages).size).toBe(130);
  });

  it('charts the counts of the search by level', async () => {
    await search(page, { service: 'backup' });
    await page.waitForFunction(() => document.querySelectorAll('table.events tbody tr').length === 3);
    const legend = await page.locator('.chart-legend').innerText();
    expect(legend).toMatch(/critical\s*1/);
    expect(legend).toMatch(/error\s*1/);
    expect(legend).toMatch(/info\s*1/);
    expect(await page.locator('.chart rect.bar').count()).toBeGreaterThanOrEqual(3);
  });

  it('applies a preset from the server configuration', async () => {
    await page.getByRole('button', { name: 'Backup errors' }).click();
    await page.waitForURL(/\?service=backup&level=error&since=1d$/);
    await page.waitForFunction(() => document.querySelectorAll('table.events tbody tr').length === 2);
    expect(await page.getByRole('button', { name: 'Backup errors' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('button', { name: 'Last day' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('limits the search to a quick time range', async () => {
    await search(page, {});
    await page.getByRole('button', { name: 'Last hour' }).click();
    await page.waitForURL(/since=1h/);
    await page.getByTestId('shown-count').filter({ hasText: '100 events shown' }).waitFor();
    await page.getByLabel('To', { exact: true }).fill('2001-01-01T00:00');
    await page.getByLabel('From', { exact: true }).fill('2000-01-01T00:00');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/from=2000-01-0\dT.*&to=2001-01-0/);
    await page.getByTestId('no-events').waitFor();
  });

  it('shows the events of the last search when an earlier search answers later', async () => {
    await page.goto(`${server.url}/gui/events`);
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    const held: Promise<void>[] = [];
    // The server's real answers, held back: the first search's answers arrive after the second's.
    await page.route(/\/events\?.*service=backup/, (route) => {
      const answered = (async () => {
        try {
          const response = await route.fetch();
          await new Promise((wait) => setTimeout(wait, 1_500));
          await route.fulfill({ response });
        } catch {
          // The page gave up on this request: that is the point.
        }
      })();
      held.push(answered);
      return answered;
    });
    await search(page, { service: 'backup' });
    await page.waitForURL(/service=backup/);
    await search(page, { service: 'web' });
    await page.waitForURL(/service=web/);
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('table.events tbody tr')];
      return rows.length > 0 && rows.every((row) => row.getAttribute('data-service') === 'web');
    });
    await page.waitForFunction(() => document.querySelector('.chart-legend') !== null);
    await Promise.all(held);
    await new Promise((wait) => setTimeout(wait, 300));
    await page.unroute(/\/events\?.*service=backup/);
    expect(await shownRows(page)).toEqual(['web:10', 'web:40']);
    expect(await page.locator('.chart-legend').innerText()).toMatch(/error\s*1/);
    expect(await page.locator('.chart-legend').innerText()).not.toMatch(/critical/);
  });

  it('shows new matching events at once in live tail, and only those', async () => {
    await page.goto(`${server.url}/gui/events?service=web&level=warning&live=1`);
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('table.events tbody tr').length === 1);
    await addEvent(server, 'web', 'debug', 'not shown: below the level');
    await addEvent(server, 'other', 'error', 'not shown: another service');
    await addEvent(server, 'web', 'critical', 'web is on fire');
    await page.locator('table.events tbody tr', { hasText: 'web is on fire' }).waitFor();
    expect(await shownRows(page)).toEqual(['web:50', 'web:40']);
    expect(await page.locator('table.events tbody tr').first().innerText()).toMatch(/web is on fire/);
  });

  it('offers to show new matches when live tail is off', async () => {
    await page.getByLabel('Live tail').uncheck();
    await page.waitForURL(/service=web&level=warning$/);
    await page.waitForFunction(() => document.querySelectorAll('table.events tbody tr').length === 2);
    await call(server, 'POST', '/event', { service: 'web', level: 'error', message: 'second fire' });
    await page.getByRole('button', { name: '1 new event matches: show' }).click();
    await page.locator('table.events tbody tr', { hasText: 'second fire' }).waitFor();
  });
});
