import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUpServers, httpsGet, startServer, temporaryFolder, type ServerProcess } from '@watchtower/test-support';

// The built server (dist/main.js) as an operator starts it: the reference must answer on a fresh start.

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** The addresses of the files a page loads (`src` and `href`), in order. */
function referencedFiles(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map(([, address]) => address!);
}

afterAll(cleanUpServers);

describe('the API reference of a freshly started server', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer({}, 60_000);
  });

  it('answers GET /openapi.json without credentials: the OpenAPI 3.1 document of this version', async () => {
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const document = (await response.json()) as { openapi: string; info: { version: string }; paths: Record<string, object> };
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe(version);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/heartbeat', '/heartbeat/{service}', '/openapi.json', '/docs']));
    expect(document).not.toHaveProperty('servers');
    // The built server keeps what the protocol's schemas say of their fields.
    const { schemas } = (
      document as unknown as { components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> } }
    ).components;
    expect(schemas.PulseRequest!.properties.alertType).toMatchObject({ type: 'string', enum: expect.arrayContaining(['webhook']) });
    expect(schemas.ServiceSettings!.properties.cron).toMatchObject({ type: 'string', maxLength: 100 });
    expect(schemas.AddEventRequest!.properties.level!.anyOf).toHaveLength(2);
  });

  it('answers 304 to a client that holds the document already', async () => {
    const first = await fetch(`${server.url}/openapi.json`);
    await first.body?.cancel();
    const tag = first.headers.get('etag');
    expect(tag).toBeTruthy();
    const again = await fetch(`${server.url}/openapi.json`, { headers: { 'if-none-match': tag! } });
    expect(again.status).toBe(304);
  });

  it('serves GET /docs without credentials: a page whose files all come from the server itself', async () => {
    const response = await fetch(`${server.url}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    const files = referencedFiles(html);
    expect(files.length).toBe(4);
    const types: string[] = [];
    for (const file of files) {
      expect(file, 'a relative address, so that the page works behind a proxy and offline').toMatch(/^docs\/assets\//);
      const asset = await fetch(new URL(file, `${server.url}/docs`));
      expect(asset.status, file).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      types.push(asset.headers.get('content-type')!.split(';')[0]!);
      const body = await asset.text();
      if (file.includes('start.js')) expect(body).toContain('openapi.json');
      if (file.includes('bundle')) expect(body).toContain('SwaggerUIBundle');
    }
    expect(types.sort()).toEqual(['image/png', 'text/css', 'text/javascript', 'text/javascript']);
  });

  it('sends the large files compressed to a client that accepts gzip', async () => {
    const html = await (await fetch(`${server.url}/docs`)).text();
    const bundle = referencedFiles(html).find((file) => file.includes('bundle'))!;
    const response = await fetch(new URL(bundle, `${server.url}/docs`), { headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(await response.text()).toContain('SwaggerUIBundle');
  });

  it('answers 404 for a file the reference does not have, and redirects /docs/ to /docs', async () => {
    const missing = await fetch(`${server.url}/docs/assets/index.html`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ result: 404, code: 'NOT_FOUND' });
    const slash = await fetch(`${server.url}/docs/`, { redirect: 'manual' });
    expect(slash.status).toBe(301);
    expect(slash.headers.get('location')).toBe('/docs');
  });
});

describe('the API reference over HTTPS with a public URL', () => {
  it('names the public URL as the server of the document, and serves the page', async () => {
    const folder = temporaryFolder('watchtower-tls-');
    const keyFile = join(folder, 'server.key');
    const certFile = join(folder, 'server.crt');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', keyFile, '-out', certFile],
      { stdio: 'pipe' },
    );
    const config = join(folder, 'config.json');
    writeFileSync(config, JSON.stringify({ server: { ssl: true, certFile, keyFile } }));
    const server = await startServer(
      {
        env: { WATCHTOWER_CONFIG: config, WATCHTOWER_PUBLIC_URL: 'https://watch.example.com/' },
        tls: true,
      },
      60_000,
    );
    const document = await httpsGet(`${server.url}/openapi.json`);
    expect(document.status).toBe(200);
    expect(JSON.parse(document.body).servers).toEqual([{ url: 'https://watch.example.com' }]);
    const page = await httpsGet(`${server.url}/docs`);
    expect(page.status).toBe(200);
    for (const file of referencedFiles(page.body)) {
      expect((await httpsGet(new URL(file, `${server.url}/docs`).href)).status, file).toBe(200);
    }
  });
});
