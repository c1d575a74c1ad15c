import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, row, signIn } from './support/browser.js';
import { call, pulse, cleanUp, startServer, type Server } from './support/server.js';

let server: Server;
let browser: Browser;
let page: Page;

// The embedded database, as `npm start` runs it: live updates through the in-process feed.
beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  page = await openPage(browser);
  await signIn(page, server);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await cleanUp();
});

const statusOf = (service: string) => row(page, service).getAttribute('data-status');

describe('the heartbeats board', () => {
  it('shows a service that pulses, live, without a reload', async () => {
    await pulse(server, 'web-1', 600, 'ops-team');
    const web = row(page, 'web-1');
    await web.waitFor();
    expect(await statusOf('web-1')).toBe('alive');
    const text = await web.innerText();
    expect(text).toMatch(/alive/);
    expect(text).toMatch(/in 9 min 5\d s|in 10 min/);
    expect(text).toMatch(/10 min/);
    expect(text).toMatch(/log\s+ops-team/);
  });

  it('turns a service dead when it misses its deadline, and alive again when it pulses', async () => {
    await pulse(server, 'quick-job', 2);
    await page.locator('tr[data-service="quick-job"][data-status="alive"], tr[data-service="quick-job"][data-status="late"]').waitFor();
    await page.locator('tr[data-service="quick-job"][data-status="dead"]').waitFor({ timeout: 8_000 });
    await row(page, 'quick-job').getByText('alerted').waitFor({ timeout: 8_000 });
    expect(await row(page, 'quick-job').innerText()).toMatch(/dead[\s\S]*overdue by/);
    expect(await page.title()).toMatch(/^\(1 dead\) watchtower/);

    await pulse(server, 'quick-job', 300);
    await page.locator('tr[data-service="quick-job"][data-status="alive"]').waitFor();
  });

  it('lists dead services first and filters by name and by status', async () => {
    await pulse(server, 'a-gone', 1);
    await pulse(server, 'z-steady', 900);
    await page.locator('tr[data-service="a-gone"][data-status="dead"]').waitFor({ timeout: 8_000 });
    const order = await page.locator('table.board tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-service')));
    expect(order[0]).toBe('a-gone');

    await page.getByRole('button', { name: /dead$/ }).click();
    await page.waitForURL(/status=dead/);
    expect(await page.locator('table.board tbody tr').count()).toBe(1);
    await page.getByRole('button', { name: /dead$/ }).click();

    await page.getByPlaceholder('Filter by name').fill('steady');
    await page.waitForURL(/q=steady/);
    expect(await page.locator('table.board tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-service')))).toEqual([
      'z-steady',
    ]);
    await page.getByRole('button', { name: 'Show all' }).click();
    await row(page, 'web-1').waitFor();
  });

  it('cancels a service only after confirmation', async () => {
    await pulse(server, 'retired', 600);
    await row(page, 'retired').getByRole('button', { name: 'Cancel retired' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel retired?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Keep watching' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await statusOf('retired')).toBe('alive');

    await row(page, 'retired').getByRole('button', { name: 'Cancel retired' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel service' }).click();
    await page.locator('tr[data-service="retired"][data-status="cancelled"]').waitFor();
    const stored = (await call(server, 'GET', '/heartbeat/retired')) as { heartBeat: { status: string } };
    expect(stored.heartBeat.status).toBe('cancelled');
  });

  it('says why the heartbeats cannot be loaded and loads them again on request', async () => {
    const other = await openPage(browser);
    await other.route('**/heartbeats', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ result: 503, hint: 'the database is busy' }) }),
    );
    await signIn(other, server);
    const error = other.getByRole('alert').filter({ hasText: 'Could not load the heartbeats: the database is busy.' });
    await error.waitFor();
    expect(await other.locator('table.board').count()).toBe(0);
    await other.unroute('**/heartbeats');
    await error.getByRole('button', { name: 'Try again' }).click();
    await row(other, 'web-1').waitFor();
    expect(await other.getByRole('alert').filter({ hasText: 'Could not load' }).count()).toBe(0);
    await other.context().close();
  });

  it('lists the alert of a death with its channel, target and delivery', async () => {
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.waitForURL(/\/gui\/alerts$/);
    const alert = page.locator('table.alerts tbody tr', { hasText: 'a-gone' }).first();
    await alert.waitFor();
    await page.locator('table.alerts tbody tr[data-status="sent"]', { hasText: 'a-gone' }).first().waitFor();
    const text = await alert.innerText();
    expect(text).toMatch(/down/);
    expect(text).toMatch(/log/);
    expect(text).toMatch(/ops/);
    expect(text).toMatch(/sent/);
  });
});
