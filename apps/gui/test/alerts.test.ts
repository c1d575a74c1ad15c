import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, signIn } from './support/browser.js';
import { cleanUp, pulse, startServer, type Server } from './support/server.js';

let server: Server;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  // Two services that die at once: each gets a "down" alert.
  await pulse(server, 'slow-service', 0.5);
  await pulse(server, 'fast-service', 0.5);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await cleanUp();
});

async function openAlerts(): Promise<Page> {
  const page = await openPage(browser);
  await signIn(page, server, '/gui/alerts');
  await page.locator('table.alerts tbody tr', { hasText: 'slow-service' }).waitFor({ timeout: 15_000 });
  await page.locator('table.alerts tbody tr', { hasText: 'fast-service' }).waitFor({ timeout: 15_000 });
  return page;
}

async function filterBy(page: Page, service: string) {
  await page.getByRole('search', { name: 'Filter alerts' }).getByLabel('Service').fill(service);
  await page.getByRole('button', { name: 'Filter' }).click();
}

const shownServices = (page: Page) =>
  page.locator('table.alerts tbody td[data-label="Service"]').evaluateAll((cells) => [...new Set(cells.map((cell) => cell.textContent))]);

describe('the alerts page', () => {
  it('shows the alerts of the last filter when an earlier filter answers later', async () => {
    const page = await openAlerts();
    let slowAnswered!: () => void;
    const slowDone = new Promise<void>((done) => (slowAnswered = done));
    // The server's real answer, held back: the first filter's answer arrives after the second's.
    await page.route(/\/alerts\?.*service=slow-service/, async (route: Route) => {
      try {
        const response = await route.fetch();
        await new Promise((wait) => setTimeout(wait, 1_500));
        await route.fulfill({ response });
      } catch {
        // The page gave up on this request: that is the point.
      } finally {
        slowAnswered();
      }
    });
    await filterBy(page, 'slow-service');
    await page.waitForURL(/service=slow-service/);
    await filterBy(page, 'fast-service');
    await page.waitForURL(/service=fast-service/);
    await page.waitForFunction(() => {
      const cells = [...document.querySelectorAll('table.alerts tbody td[data-label="Service"]')];
      return cells.length > 0 && cells.every((cell) => cell.textContent === 'fast-service');
    });
    await slowDone;
    await new Promise((wait) => setTimeout(wait, 300));
    expect(await shownServices(page)).toEqual(['fast-service']);
    await page.context().close();
  });

  it('says why the alerts cannot be loaded and loads them again on request', async () => {
    const page = await openAlerts();
    await page.route(/\/alerts\?/, (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ result: 503, hint: 'the database is busy' }) }),
    );
    await filterBy(page, 'fast-service');
    const error = page.getByRole('alert').filter({ hasText: 'Could not load the alerts: the database is busy.' });
    await error.waitFor();
    await page.unroute(/\/alerts\?/);
    await error.getByRole('button', { name: 'Try again' }).click();
    await page.locator('table.alerts tbody tr', { hasText: 'fast-service' }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'Could not load the alerts' }).count()).toBe(0);
    await page.context().close();
  });
});
