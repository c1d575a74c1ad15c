import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROUTES } from '@watchtower/protocol';
import { Hono, type Context } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import type { AppEnv } from '../http/app-env.js';
import { errorAnswer } from '../http/errors.js';

/** One file of an SDK package: where it is, and the package's version. */
export interface SdkFile {
  file: string;
  version: string;
}

/** The SDK files the server serves at /sdk; a file that is absent is a 404. */
export interface SdkFiles {
  browser?: SdkFile | undefined;
  cli?: SdkFile | undefined;
}

/** A file of a package, found through the package's manifest, as it is installed next to the server. */
function packageFile(name: string, pick: (manifest: Record<string, unknown>) => string | undefined): SdkFile | undefined {
  try {
    const require = createRequire(import.meta.url);
    const manifestFile = require.resolve(`${name}/package.json`);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
    const relative = pick(manifest);
    return relative ? { file: join(dirname(manifestFile), relative), version: String(manifest.version) } : undefined;
  } catch {
    // A server installed without the SDK packages does not serve them.
    return undefined;
  }
}

/** The browser bundle and the CLI of the installed SDK packages. */
export function findSdkFiles(): SdkFiles {
  return {
    browser: packageFile('@watchtower/client-browser', (manifest) => (manifest.unpkg as string | undefined) ?? 'dist/watchtower.min.js'),
    cli: packageFile('@watchtower/client-node', (manifest) => (manifest.bin as Record<string, string> | undefined)?.watchtower),
  };
}

type Loaded = { body: Buffer; gzipped: Buffer; etag: string };

const CACHE_UNVERSIONED = 'public, max-age=3600';
const CACHE_VERSIONED = 'public, max-age=31536000, immutable';

/**
 * `GET /sdk/watchtower.min.js` and `GET /sdk/watchtower-cli.mjs`, public: revalidated by their
 * ETag after an hour. Under the package's version (`/sdk/v0.1.0/…`) they never change: cached for good.
 */
export function sdkRoutes({ sdk }: ResolvedDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const loaded = new Map<string, Promise<Loaded>>();

  function load(file: string): Promise<Loaded> {
    let found = loaded.get(file);
    if (!found) {
      found = readFile(file).then((body) => ({
        body,
        gzipped: gzipSync(body),
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      }));
      loaded.set(file, found);
      // A file that could not be read (not built yet) is tried again by the next request.
      found.catch(() => loaded.delete(file));
    }
    return found;
  }

  async function serve(c: Context<AppEnv>, what: SdkFile | undefined, cache: string): Promise<Response> {
    let file: Loaded | undefined;
    try {
      file = what && (await load(what.file));
    } catch {
      file = undefined;
    }
    if (!file) return errorAnswer(c, 'NOT_FOUND', `this server was built without ${c.req.path.split('/').pop()}`);
    c.header('cache-control', cache);
    c.header('etag', file.etag);
    c.header('vary', 'accept-encoding');
    // Pages of any origin load the bundle with <script src>.
    c.header('cross-origin-resource-policy', 'cross-origin');
    c.header('access-control-allow-origin', '*');
    const given = c.req.header('if-none-match');
    if (given?.split(/\s*,\s*/).some((tag) => tag === file.etag || tag === `W/${file.etag}` || tag === '*')) {
      return c.body(null, 304);
    }
    const type = 'text/javascript; charset=utf-8';
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      return c.body(new Uint8Array(file.gzipped), 200, { 'content-type': type, 'content-encoding': 'gzip' });
    }
    return c.body(new Uint8Array(file.body), 200, { 'content-type': type });
  }

  const files = [
    [ROUTES.sdkBrowser.paths, sdk?.browser],
    [ROUTES.sdkCli.paths, sdk?.cli],
  ] as const;
  for (const [[plain, versioned], what] of files) {
    app.get(plain, (c) => serve(c, what, CACHE_UNVERSIONED));
    app.get(versioned, (c) => {
      const version = c.req.param('version');
      if (what && version !== `v${what.version}`) {
        return errorAnswer(c, 'NOT_FOUND', `this server serves version v${what.version} of ${plain.slice('/sdk/'.length)}, not ${version}`);
      }
      return serve(c, what, CACHE_VERSIONED);
    });
  }
  return app;
}
