import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { launchBrowser, openPage, signIn } from './support/browser.js';
import { call, cleanUp, createDatabase, startServer, type Server } from './support/server.js';

let server: Server;
let browser: Browser;
let page: Page;
let databaseUrl: string;
let receiver: HttpServer;

beforeAll(async () => {
  // A webhook receiver that refuses every delivery for good (a deleted webhook).
  receiver = createServer((_, response) => response.writeHead(404).end('no such hook'));
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', () => done()));
  databaseUrl = await createDatabase();
  [server, browser] = await Promise.all([
    startServer({
      databaseUrl,
      env: {
        WATCHTOWER_WEBHOOK_SECRET: `whsec_${Buffer.from('k'.repeat(32)).toString('base64')}`,
        WATCHTOWER_ALLOW_PRIVATE_TARGETS: '1',
      },
    }),
    launchBrowser(),
  ]);
  page = await openPage(browser);
  await signIn(page, server);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await cleanUp();
  await new Promise((done) => receiver?.close(done));
});

describe("the server's own health", () => {
  it('says the server cannot do its job while its database is read-only, and stops saying it once it is fixed', async () => {
    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    const name = new URL(databaseUrl).pathname.slice(1);
    const endSessions = () =>
      admin.unsafe(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [name]);
    try {
      await admin.unsafe(`alter database "${name}" set default_transaction_read_only = on`);
      await endSessions();
      const banner = page.getByTestId('health-banner');
      await banner
        .filter({ hasText: 'The server cannot do its job' })
        .filter({ hasText: 'sweeper failing since' })
        .waitFor({ timeout: 45_000 });
      await admin.unsafe(`alter database "${name}" set default_transaction_read_only = off`);
      await endSessions();
      await banner.waitFor({ state: 'detached', timeout: 45_000 });
    } finally {
      await admin.unsafe(`alter database "${name}" reset default_transaction_read_only`).catch(() => undefined);
      await admin.end();
    }
  }, 120_000);

  it('counts the alerts that could not be delivered', async () => {
    const { port } = receiver.address() as AddressInfo;
    await call(server, 'POST', '/heartbeat', {
      service: 'lost-hook',
      alertType: 'webhook',
      alertTarget: `http://127.0.0.1:${port}/hook`,
      nextIn: 0.5,
    }).catch((error: unknown) => {
      throw new Error(`the pulse failed: ${(error as Error).message}; the server said:\n${server.output().slice(-4000)}`);
    });
    await page
      .getByTestId('health-banner')
      .filter({ hasText: 'One alert could not be delivered in the last 24 hours' })
      .waitFor({ timeout: 30_000 });
  });
});
