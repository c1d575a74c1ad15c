import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Bundle from '../src/index.js';
import { startPageServer } from './support/page-server.js';
import { api, cleanUpServers, eventually, freePort, PASSWORD, startServer, type ServerProcess } from './support/server.js';

declare global {
  interface Window {
    Watchtower: typeof Bundle;
    WatchtowerModule: typeof Bundle;
    outcome?: { heartbeat?: Bundle.Heartbeat; event?: Bundle.Event; error?: string };
  }
}

let server: ServerProcess;
let site: Server;
let origin: string;
let browser: Browser;

const CHROMIUM = '/usr/bin/chromium';

// A page of a site that loads the <script> bundle and, by itself, pulses and records an event.
const SCRIPT_PAGE = `<!doctype html>
<title>shop</title>
<script src="/watchtower.min.js"></script>
<script>
  const settings = new URLSearchParams(location.search);
  const watchtower = new Watchtower.WatchtowerClient({ url: settings.get('server'), password: settings.get('password') });
  (async () => {
    const heartbeat = await watchtower.pulse({ service: 'shop-page', nextIn: '5m', alertType: 'log', alertTarget: 'web' });
    const event = await watchtower.addEvent({ service: 'shop-page', level: 'info', message: 'checkout opened in ' + navigator.userAgent });
    window.outcome = { heartbeat, event };
  })().catch((error) => (window.outcome = { error: String(error) }));
</script>`;

const MODULE_PAGE = `<!doctype html>
<title>module</title>
<script type="module">
  import * as Watchtower from '/index.js';
  window.WatchtowerModule = Watchtower;
</script>`;

const BLANK_PAGE = '<!doctype html><title>blank</title><script src="/watchtower.min.js"></script>';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  site = await startPageServer(port, { '/script.html': SCRIPT_PAGE, '/module.html': MODULE_PAGE, '/blank.html': BLANK_PAGE });
  [server, browser] = await Promise.all([
    startServer({ env: { WATCHTOWER_CORS_ORIGINS: origin } }),
    chromium.launch({
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
    }),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((closed) => site?.close(closed));
  await cleanUpServers();
});

async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${origin}${path}`);
  return page;
}

/** Opens a page that has the <script> bundle, with a client in `window.client`. */
async function pageWithClient(password = PASSWORD): Promise<Page> {
  const page = await openPage('/blank.html');
  await page.evaluate(
    ({ url, password }) => {
      (window as unknown as { client: Bundle.WatchtowerClient }).client = new window.Watchtower.WatchtowerClient({
        url,
        password,
        retries: 0,
      });
    },
    { url: server.url, password },
  );
  return page;
}

async function eventsOf(service: string): Promise<Bundle.Event[]> {
  return (await api(server.url, `/events?service=${encodeURIComponent(service)}`)).body.events;
}

describe('the <script> bundle in Chromium', () => {
  it('lets a page of another origin pulse and record an event', async () => {
    const page = await openPage(`/script.html?server=${encodeURIComponent(server.url)}&password=${PASSWORD}`);
    await page.waitForFunction(() => window.outcome !== undefined);
    expect(await page.evaluate(() => window.outcome?.error)).toBeUndefined();

    const stored = (await api(server.url, '/heartbeat/shop-page')).body.heartBeat;
    expect(stored).toMatchObject({ service: 'shop-page', nextIn: 300, alertType: 'log', alertTarget: 'web', status: 'alive' });
    const [event] = await eventsOf('shop-page');
    expect(event).toMatchObject({ level: 20, message: expect.stringMatching(/^checkout opened in .*Chrome/) });
    await page.close();
  });

  it('lets a page of another origin record a batch of events with one request', async () => {
    const page = await pageWithClient();
    const ids = await page.evaluate(async () => {
      const client = (window as unknown as { client: Bundle.WatchtowerClient }).client;
      return client.addEvents([
        { service: 'shop-batch', level: 'info', message: 'cart opened' },
        { service: 'shop-batch', level: 'warning', message: 'slow payment' },
      ]);
    });
    const stored = (await eventsOf('shop-batch')).reverse();
    expect(stored.map((event) => event.id)).toEqual(ids);
    expect(stored.map((event) => [event.level, event.message])).toEqual([
      [20, 'cart opened'],
      [30, 'slow payment'],
    ]);
    await page.close();
  });

  it('defines window.Watchtower with the client, its error and its helpers', async () => {
    const page = await openPage('/blank.html');
    const names = await page.evaluate(() => Object.keys(window.Watchtower).sort());
    expect(names).toEqual(['LEVELS', 'WatchtowerClient', 'WatchtowerError', 'levelName', 'parseDuration']);
    await page.close();
  });

  it("brings a refused call to the page as a WatchtowerError with the server's status and hint", async () => {
    const page = await pageWithClient('not-the-password');
    const error = await page.evaluate(async () => {
      const client = (window as unknown as { client: Bundle.WatchtowerClient }).client;
      const failure = await client.heartbeats().catch((reason: unknown) => reason);
      return failure instanceof window.Watchtower.WatchtowerError
        ? { status: failure.status, code: failure.code, hint: failure.hint }
        : String(failure);
    });
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHORIZED', hint: expect.stringMatching(/password/) });
    await page.close();
  });
});

describe('the ESM build in Chromium', () => {
  it('pulses from a module script', async () => {
    const page = await openPage('/module.html');
    await page.waitForFunction(() => window.WatchtowerModule !== undefined);
    await page.evaluate(
      async ({ url, password }) => {
        const client = new window.WatchtowerModule.WatchtowerClient({ url, password });
        await client.pulse({ service: 'esm-page', nextIn: 60, alertType: 'log', alertTarget: 'web' });
      },
      { url: server.url, password: PASSWORD },
    );
    expect((await api(server.url, '/heartbeat/esm-page')).body.heartBeat.status).toBe('alive');
    await page.close();
  });
});

describe('captureErrors in Chromium', () => {
  it('records an uncaught error and an unhandled rejection as error events', async () => {
    const page = await pageWithClient();
    await page.evaluate(() => {
      (window as unknown as { client: Bundle.WatchtowerClient }).client.captureErrors({ service: 'captured' });
      setTimeout(() => {
        throw new TypeError('cart is undefined');
      });
      void Promise.reject(new Error('payment timed out'));
    });
    await eventually(async () => (await eventsOf('captured')).length >= 2);
    const messages = (await eventsOf('captured')).map((event) => `${event.level} ${event.message}`).sort();
    expect(messages[0]).toMatch(/^40 TypeError: cart is undefined\n[\s\S]*page: http:\/\/127\.0\.0\.1:\d+\/blank\.html$/);
    expect(messages[1]).toMatch(/^40 Unhandled rejection: Error: payment timed out\n[\s\S]*page: http:\/\/127\.0\.0\.1:\d+\/blank\.html$/);
    await page.close();
  });

  it('sends only a burst of a loop of errors, then says how many it left out', async () => {
    const page = await pageWithClient();
    await page.evaluate(() => {
      (window as unknown as { client: Bundle.WatchtowerClient }).client.captureErrors({ service: 'flood', burst: 3, perMinute: 60 });
      for (let index = 0; index < 50; index++) {
        setTimeout(() => {
          throw new Error(`render failed ${index}`);
        });
      }
    });
    await eventually(async () => (await eventsOf('flood')).length >= 3);
    // One token comes back each second: the next error goes, carrying the count of those dropped.
    await new Promise((wait) => setTimeout(wait, 1_200));
    await page.evaluate(() => {
      setTimeout(() => {
        throw new Error('after the flood');
      });
    });
    await eventually(async () => (await eventsOf('flood')).length >= 4);
    await new Promise((wait) => setTimeout(wait, 500));

    const events = await eventsOf('flood');
    expect(events).toHaveLength(4);
    expect(events[0]?.message).toMatch(/^Error: after the flood\n[\s\S]*\n\(47 more errors were not reported: too many at once\)$/);
    await page.close();
  });

  it('records an error whose text is cut among emoji, for either parity of the cut', async () => {
    const page = await pageWithClient();
    await page.evaluate(() => {
      (window as unknown as { client: Bundle.WatchtowerClient }).client.captureErrors({ service: 'emoji', perMinute: 60 });
      // Longer than an event message; an emoji is two UTF-16 units, so one of the two is cut inside one.
      for (const prefix of ['x', 'xx']) {
        setTimeout(() => {
          throw new Error(prefix + '😀'.repeat(6_000));
        });
      }
    });
    await eventually(async () => (await eventsOf('emoji')).length >= 2);
    for (const event of await eventsOf('emoji')) {
      expect([...event.message].length).toBeLessThanOrEqual(10_000);
      expect(event.message).toMatch(/^Error: xx?😀/);
      expect(event.message).toMatch(/😀\npage: http:\/\/127\.0\.0\.1:\d+\/blank\.html$/);
    }
    await page.close();
  });

  it('stops when the function it answered is called', async () => {
    const page = await pageWithClient();
    await page.evaluate(() => {
      const stop = (window as unknown as { client: Bundle.WatchtowerClient }).client.captureErrors({ service: 'stopped' });
      setTimeout(() => {
        throw new Error('reported');
      });
      setTimeout(() => {
        stop();
        setTimeout(() => {
          throw new Error('not reported');
        });
      }, 50);
    });
    await eventually(async () => (await eventsOf('stopped')).length >= 1);
    await new Promise((wait) => setTimeout(wait, 500));
    expect((await eventsOf('stopped')).map((event) => event.message.split('\n')[0])).toEqual(['Error: reported']);
    await page.close();
  });
});
