import { chromium, type Browser, type Page } from 'playwright-core';
import { PASSWORD, type Server } from './server.js';

/** Debian's Chromium, never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    timeout: 30_000,
  });
}

/** A fresh tab (its own session storage) with bounded waits. */
export async function openPage(browser: Browser, viewport = { width: 1280, height: 860 }): Promise<Page> {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.setDefaultNavigationTimeout(15_000);
  return page;
}

/** Opens the dashboard and signs in with the server password, or a key; waits until the stream is live. */
export async function signIn(page: Page, server: Server, path = '/gui/', secret = PASSWORD): Promise<void> {
  await page.goto(`${server.url}${path}`);
  await page.getByLabel('Password').fill(secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
}

/** The board row of a service. */
export const row = (page: Page, service: string) => page.locator(`tr[data-service="${service}"]`);
