import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, signIn } from './support/browser.js';
import { call, cleanUp, pulse, startServer, type Server } from './support/server.js';

let server: Server;
let browser: Browser;
let page: Page;

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

const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));
const changes = (target: Page) => target.getByRole('table', { name: 'Changes of state' }).locator('tbody tr');

async function openService(target: Page, service: string) {
  await target.goto(`${server.url}/gui/services/${encodeURIComponent(service)}`);
  await target.getByRole('heading', { level: 2, name: 'History' }).waitFor();
}

describe('a service page’s history', () => {
  it('shows the uptime figures, a timeline of the states and the changes in a table', async () => {
    await pulse(server, 'billing', 3_600);
    await sleep(300);
    await call(server, 'POST', '/heartbeat/billing/fail', { exitCode: 1 });
    await sleep(300);
    await pulse(server, 'billing', 3_600);
    await openService(page, 'billing');

    await changes(page).nth(2).waitFor();
    const rows = await changes(page).evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-to'), tr.getAttribute('data-cause')]));
    expect(rows).toEqual([
      ['alive', 'recovered'],
      ['dead', 'failed'],
      ['alive', 'created'],
    ]);
    expect(await changes(page).first().innerText()).toMatch(/dead\s+alive\s+it pulsed again/);

    // Dead 0.3 s of about 0.6 s: the figures say so, to a hundredth of a percent.
    const uptime = page.getByRole('definition').filter({ hasText: '%' });
    expect(await uptime.count()).toBe(3);
    for (const text of await uptime.allInnerTexts()) {
      const percent = Number(text.replace(' %', ''));
      expect(percent).toBeGreaterThan(0);
      expect(percent).toBeLessThan(100);
    }

    const timeline = page.getByRole('img', { name: /^Timeline of the last 24 h:/ });
    expect(await timeline.getAttribute('aria-label')).toMatch(/no record .*alive .*dead/);
    expect(await timeline.locator('[data-state]').evaluateAll((spans) => spans.map((span) => span.getAttribute('data-state')))).toEqual([
      'none',
      'alive',
      'dead',
      'alive',
    ]);
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await page.getByRole('img', { name: /^Timeline of the last 7 days:/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Last 7 days' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('adds a change of state as it happens, without a reload', async () => {
    await pulse(server, 'mailer', 3_600);
    await openService(page, 'mailer');
    await changes(page).first().waitFor();
    expect(await changes(page).count()).toBe(1);
    await call(server, 'POST', '/heartbeat/mailer/pause');
    await page.locator('tr[data-cause="paused"]').waitFor();
    expect(await changes(page).count()).toBe(2);
    expect(await page.getByTestId('flips-count').innerText()).toBe('2 changes shown, all there are');
  });

  it('says there is no data yet for a service that has never signalled', async () => {
    await call(server, 'PUT', '/heartbeat/nightly', { period: '1d', alertType: 'log', alertTarget: 'ops' });
    await openService(page, 'nightly');
    await page.getByRole('table', { name: 'Changes of state' }).waitFor();
    expect(await page.getByRole('definition').filter({ hasText: 'no data' }).count()).toBe(3);
    expect(
      await page
        .getByRole('term')
        .filter({ hasText: /^Uptime/ })
        .allInnerTexts(),
    ).toEqual(['Uptime, last 24 h', 'Uptime, last 7 days', 'Uptime, last 30 days']);
  });
});
