import type { Browser, Page } from 'playwright-core';
import { cleanUpServers, PASSWORD, startServer, type ServerProcess } from '@watchtower/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from './support/browser.js';

// The server's API reference (/docs), not the dashboard: it needs the built server only.

let server: ServerProcess;
let browser: Browser;
let page: Page;
const outside: string[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({}, 60_000), launchBrowser()]);
  page = await openPage(browser);
  // Every request the page makes must stay on the server: users run it offline.
  page.on('request', (request) => {
    if (!request.url().startsWith(server.url)) outside.push(request.url());
  });
});

afterAll(async () => {
  await browser?.close();
  await cleanUpServers();
});

describe('the API reference page', () => {
  it('lists the operations of the API, grouped, from the server alone', async () => {
    await page.goto(`${server.url}/docs`);
    await page
      .getByRole('heading', { name: /watchtower/ })
      .first()
      .waitFor();
    const pulse = page.locator('.opblock-post', { hasText: '/heartbeat' }).filter({ hasText: 'Pulse' }).first();
    await pulse.waitFor();
    for (const tag of ['heartbeats', 'services', 'events', 'ping URLs', 'badges']) {
      await page.locator('.opblock-tag', { hasText: tag }).first().waitFor();
    }
    expect(await page.locator('.opblock').count()).toBeGreaterThan(40);
    expect(outside).toEqual([]);
  });

  it('shows the fields of a request body, and calls the API with the password once authorized', async () => {
    await page.locator('.opblock-post', { hasText: '/heartbeat' }).filter({ hasText: 'Pulse' }).first().locator('.opblock-summary').click();
    const body = page.locator('.opblock.is-open');
    await body.getByText('nextIn').first().waitFor();

    await page
      .getByRole('button', { name: /Authorize/ })
      .first()
      .click();
    const dialog = page.locator('.dialog-ux');
    await dialog.locator('input').first().fill(PASSWORD);
    // The first scheme is the password header; its button is labelled "Apply credentials".
    await dialog.locator('button.authorize').first().click();
    await dialog.locator('button.btn-done').first().click();

    const list = page.locator('.opblock-get', { hasText: '/heartbeats' }).filter({ hasText: 'List heartbeats' }).first();
    await list.locator('.opblock-summary').click();
    await list.getByRole('button', { name: 'Try it out' }).click();
    await list.getByRole('button', { name: 'Execute' }).click();
    await list.locator('.live-responses-table .response-col_status').filter({ hasText: '200' }).first().waitFor();
    expect(outside).toEqual([]);
  });
});
