import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, row, signIn } from './support/browser.js';
import { cleanUp, createDatabase, pulse, startServer, type Server } from './support/server.js';

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

// PostgreSQL: changes reach the stream by LISTEN/NOTIFY, as with several server processes.
describe('the live connection', () => {
  it('says it is offline when the server goes away, and reconnects and catches up when it is back', async () => {
    await pulse(server, 'before-restart', 600);
    await row(page, 'before-restart').waitFor();

    await server.stop();
    await page.getByTestId('connection').filter({ hasText: 'Offline' }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'may be out of date' }).waitFor();

    server = await startServer({ port: server.port, databaseUrl: server.databaseUrl });
    // Changed while the page was not listening: the board reloads when the stream is back.
    await pulse(server, 'during-outage', 600);
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor({ timeout: 20_000 });
    await row(page, 'during-outage').waitFor();
    expect(await page.getByText('may be out of date').count()).toBe(0);
  });

  it('shows a dead service that was dead before the page opened', async () => {
    await pulse(server, 'short', 1);
    const other = await openPage(browser, { width: 390, height: 800 });
    await new Promise((wait) => setTimeout(wait, 1_500));
    await signIn(other, server);
    await other.locator('tr[data-service="short"][data-status="dead"]').waitFor();
    await other.context().close();
  });
});
