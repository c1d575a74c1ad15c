import { once } from 'node:events';
import { createServer, request, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, row } from './support/browser.js';
import { cleanUp, PASSWORD, pulse, startServer, type Server } from './support/server.js';

const PREFIX = '/watchtower';

let server: Server;
let proxy: HttpServer;
let proxyUrl: string;
let browser: Browser;
let page: Page;
const violations: string[] = [];
const upstreamPaths: string[] = [];

/** A reverse proxy that serves the server under /watchtower/, stripping the prefix, as nginx's `proxy_pass` with a path does. */
async function startProxy(target: URL): Promise<HttpServer> {
  const proxy = createServer((incoming, outgoing) => {
    const url = incoming.url ?? '/';
    if (url === PREFIX) {
      outgoing.writeHead(301, { location: `${PREFIX}/` }).end();
      return;
    }
    if (!url.startsWith(`${PREFIX}/`)) {
      outgoing.writeHead(404).end('not behind the proxy');
      return;
    }
    const path = url.slice(PREFIX.length);
    upstreamPaths.push(path);
    const forwarded = request(
      { host: target.hostname, port: target.port, method: incoming.method, path, headers: { ...incoming.headers, host: target.host } },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  return proxy;
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  proxy = await startProxy(new URL(server.url));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  page = await openPage(browser);
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
});

afterAll(async () => {
  await browser?.close();
  proxy?.closeAllConnections();
  await new Promise((closed) => proxy?.close(closed));
  await server?.stop();
  await cleanUp();
});

describe('the dashboard behind a reverse proxy under a path prefix', () => {
  it('is reached from the prefix, signs in, and shows services live', async () => {
    await page.goto(`${proxyUrl}${PREFIX}/`, { waitUntil: 'domcontentloaded' });
    expect(new URL(page.url()).pathname).toBe(`${PREFIX}/gui/`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    await pulse(server, 'behind-proxy', 600);
    await row(page, 'behind-proxy').waitFor();
    // Every call went through the proxy: none of them missed the prefix.
    expect(upstreamPaths).toContain('/stream');
    expect(upstreamPaths).toContain('/heartbeats');
  });

  it("opens a service's page by its address under the prefix, reloaded", async () => {
    await row(page, 'behind-proxy').getByRole('link', { name: 'behind-proxy' }).click();
    await page.waitForURL(`${proxyUrl}${PREFIX}/gui/services/behind-proxy`);
    await page.reload();
    await page.getByRole('heading', { name: 'behind-proxy' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`${PREFIX}/gui/services/behind-proxy`);
  });

  it('breaks none of the rules of its Content-Security-Policy', () => {
    expect(violations).toEqual([]);
  });
});
