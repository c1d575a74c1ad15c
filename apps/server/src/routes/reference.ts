import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ROUTES } from '@watchtower/protocol';
import { buildOpenApi } from '@watchtower/protocol/openapi';
import { Hono, type Context } from 'hono';
import { etag } from 'hono/etag';
import type { ResolvedDeps } from '../deps.js';
import type { AppEnv } from '../http/app-env.js';
import { errorAnswer } from '../http/errors.js';

/** The version of this server: its package's, found from here in the sources as in the build. */
export function serverVersion(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(folder, 'package.json');
    if (existsSync(file)) {
      const found = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (found.name === '@watchtower/server' && found.version) return found.version;
    }
    const parent = dirname(folder);
    if (parent === folder) return '0.0.0';
    folder = parent;
  }
}

/** Swagger UI's files, served from the package itself: the page works without the internet. */
function swaggerUi(): { folder: string; version: string } {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('swagger-ui-dist/package.json');
  return { folder: dirname(manifest), version: (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version };
}

const ASSETS: Record<string, string> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

// Starts Swagger UI on the document next to the page; relative addresses keep working behind
// a proxy that serves the server under a path. No validator: it would call swagger.io.
const START_SCRIPT = `window.ui = SwaggerUIBundle({
  url: new URL(${JSON.stringify(ROUTES.openapi.paths[0].slice(1))}, document.baseURI).href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
});
`;

function page(version: string): string {
  const asset = (file: string) => `docs/assets/${file}?v=${version}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>watchtower API reference</title>
<link rel="icon" type="image/png" href="${asset('favicon-32x32.png')}">
<link rel="stylesheet" href="${asset('swagger-ui.css')}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${asset('swagger-ui-bundle.js')}"></script>
<script src="${asset('start.js')}"></script>
</body>
</html>
`;
}

type Asset = { type: string; body: Buffer; gzipped: Buffer };

// The document depends only on the version and the public URL: made once per process.
const documents = new Map<string, string>();
function documentFor(serverUrl: string | undefined): string {
  const key = serverUrl ?? '';
  let document = documents.get(key);
  if (document === undefined) {
    document = JSON.stringify(buildOpenApi({ version: serverVersion(), serverUrl }));
    documents.set(key, document);
  }
  return document;
}

/**
 * `GET /openapi.json`, the API as OpenAPI 3.1 (built once, from the protocol), and `GET /docs`,
 * a page to browse it with its files under /docs/assets. No credentials: a reference hides nothing.
 */
export function referenceRoutes({ config }: ResolvedDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const document = documentFor(config.server.publicUrl);
  const ui = swaggerUi();
  const html = page(ui.version);
  const loaded = new Map<string, Promise<Asset>>();

  async function load(file: string): Promise<Asset> {
    const body = file === 'start.js' ? Buffer.from(START_SCRIPT) : await readFile(join(ui.folder, file));
    return { type: ASSETS[file] ?? 'text/javascript; charset=utf-8', body, gzipped: gzipSync(body) };
  }

  function serveAsset(c: Context<AppEnv>, asset: Asset): Response {
    // The address carries the version of the files: cached for good.
    c.header('cache-control', 'public, max-age=31536000, immutable');
    c.header('vary', 'accept-encoding');
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      return c.body(new Uint8Array(asset.gzipped), 200, { 'content-type': asset.type, 'content-encoding': 'gzip' });
    }
    return c.body(new Uint8Array(asset.body), 200, { 'content-type': asset.type });
  }

  app.get(ROUTES.openapi.paths[0], etag(), (c) => {
    c.header('cache-control', 'no-cache');
    return c.body(document, 200, { 'content-type': 'application/json; charset=utf-8' });
  });
  app.get(ROUTES.docs.paths[0], (c) => {
    c.header('cache-control', 'no-cache');
    return c.html(html);
  });
  app.get(`${ROUTES.docs.paths[0]}/`, (c) => c.redirect(ROUTES.docs.paths[0], 301));
  app.get(`${ROUTES.docs.paths[0]}/assets/:file`, async (c) => {
    const file = c.req.param('file');
    if (!Object.hasOwn(ASSETS, file) && file !== 'start.js') return errorAnswer(c, 'NOT_FOUND', `no reference file ${c.req.path}`);
    let asset = loaded.get(file);
    if (!asset) {
      asset = load(file);
      loaded.set(file, asset);
      // A file that could not be read is tried again by the next request.
      asset.catch(() => loaded.delete(file));
    }
    return serveAsset(c, await asset);
  });
  return app;
}
