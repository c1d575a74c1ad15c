import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, signIn } from './support/browser.js';
import { cleanUp, createDatabase, startServer, type Server } from './support/server.js';

let server: Server;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([createDatabase().then((databaseUrl) => startServer({ databaseUrl })), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await cleanUp();
});

async function fresh(): Promise<Page> {
  return openPage(browser);
}

describe('signing in', () => {
  it('refuses a wrong password and says so', async () => {
    const page = await fresh();
    await page.goto(`${server.url}/gui/`);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong password' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Heartbeats' }).count()).toBe(0);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('opens the board with the right password and keeps it for the tab across a reload', async () => {
    const page = await fresh();
    await signIn(page, server);
    await page.getByRole('heading', { name: 'Heartbeats' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Heartbeats' }).waitFor();
    expect(await page.getByLabel('Password').count()).toBe(0);
  });

  it('forgets the password when the tab is closed', async () => {
    const first = await fresh();
    await signIn(first, server);
    const context = first.context();
    await first.close();
    const second = await context.newPage();
    await second.goto(`${server.url}/gui/`);
    await second.getByLabel('Password').waitFor();
  });

  it('signs out and asks for the password again', async () => {
    const page = await fresh();
    await signIn(page, server);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Password').waitFor();
    await page.reload();
    await page.getByLabel('Password').waitFor();
  });

  it('opens a shared deep link after signing in', async () => {
    const page = await fresh();
    await signIn(page, server, '/gui/events?level=error');
    await page.getByRole('heading', { name: 'Events' }).waitFor();
    expect(await page.getByLabel('Level at least').inputValue()).toBe('error');
  });

  it('is reachable with the keyboard alone', async () => {
    const page = await fresh();
    await page.goto(`${server.url}/gui/`);
    await page.getByLabel('Password').waitFor();
    await page.keyboard.type('dashboard-test-password');
    await page.keyboard.press('Enter');
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    const focused: string[] = [];
    for (let step = 0; step < 5; step += 1) {
      await page.keyboard.press('Tab');
      focused.push(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ''));
    }
    expect(focused).toEqual(expect.arrayContaining(['Skip to content', 'Heartbeats', 'Events', 'Alerts']));
  });
});
