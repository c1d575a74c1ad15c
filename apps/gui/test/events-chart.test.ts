import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, signIn } from './support/browser.js';
import { addEvent, cleanUp, createDatabase, startServer, type Server } from './support/server.js';

let server: Server;
let browser: Browser;
let page: Page;

// More than the 2,000 newest events the chart once counted: 2,400 info and 600 error over the
// last 100 minutes, one every 2 seconds.
const BUSY = 3_000;

beforeAll(async () => {
  const databaseUrl = await createDatabase();
  [server, browser] = await Promise.all([startServer({ databaseUrl }), launchBrowser()]);
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`insert into events (service, level, message, date)
      select 'busy', case when g % 5 = 0 then 40 else 20 end, 'busy, "quoted" ' || g,
        date_trunc('milliseconds', now() - make_interval(secs => g * 2 + 5))
      from generate_series(0, ${BUSY - 1}) as g`;
  } finally {
    await sql.end();
  }
  await addEvent(server, 'quiet', 'warning', '=SUM(A1)');
  page = await openPage(browser);
  await signIn(page, server, '/gui/events?service=busy&since=6h');
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await cleanUp();
});

describe('the events chart', () => {
  it('counts every event of the range from the server, not only those listed', async () => {
    await page.getByTestId('shown-count').filter({ hasText: '100 events shown' }).waitFor();
    const legend = page.locator('.chart-legend');
    await legend.filter({ hasText: /info\s*2400/ }).waitFor();
    expect(await legend.innerText()).toMatch(/error\s*600/);
    expect(await page.locator('.chart svg').getAttribute('aria-label')).toMatch(/^Event counts by level: 3000 events from /);
    expect(await page.getByText(/counts the newest/).count()).toBe(0);
  });

  it('follows the filters: a level narrows the counts', async () => {
    await page.goto(`${server.url}/gui/events?service=busy&level=error&since=6h`);
    const legend = page.locator('.chart-legend');
    await legend.filter({ hasText: /error\s*600/ }).waitFor();
    expect(await legend.innerText()).not.toMatch(/info/);
  });
});

describe('the Download menu', () => {
  it('saves every event of the search as CSV and as NDJSON', async () => {
    await page.goto(`${server.url}/gui/events?service=busy&since=6h`);
    await page.getByTestId('shown-count').filter({ hasText: '100 events shown' }).waitFor();

    await page.getByText('Download', { exact: true }).click();
    const [csvFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^CSV/ }).click()]);
    expect(csvFile.suggestedFilename()).toMatch(/^watchtower-events-\d{8}T\d{6}Z\.csv$/);
    const csv = readFileSync((await csvFile.path())!, 'utf8');
    const rows = csv.split('\r\n');
    expect(rows[0]).toBe('id,date,service,level,message');
    expect(rows.filter((line) => line.includes(',busy,'))).toHaveLength(BUSY);
    expect(csv).toContain(',busy,40,"busy, ""quoted"" 0"\r\n');

    await page.goto(`${server.url}/gui/events?service=quiet`);
    await page.getByText('Download', { exact: true }).click();
    const [ndjsonFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^NDJSON/ }).click()]);
    expect(ndjsonFile.suggestedFilename()).toMatch(/\.ndjson$/);
    const lines = readFileSync((await ndjsonFile.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([{ service: 'quiet', level: 30, message: '=SUM(A1)' }]);
  });
});
