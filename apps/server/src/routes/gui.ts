import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context } from 'hono';
import { compress } from 'hono/compress';
import { etag } from 'hono/etag';
import type { AppEnv } from '../http/app-env.js';
import { errorAnswer } from '../http/errors.js';

/**
 * The way from a page of the dashboard back to its folder, as a relative URL: `./` for
 * /gui/, `../` for /gui/services/backup. Relative, it holds whatever prefix a reverse proxy
 * serves the server under.
 */
export function guiBaseHref(rawPath: string): string {
  const below = rawPath.replace(/^\/gui\/?/, '');
  const depth = below.split('/').length - 1;
  return depth === 0 ? './' : '../'.repeat(depth);
}

/**
 * The dashboard at /gui: its files, and its page for each of its own routes. The page
 * gets a `<base href>` that leads back to /gui/ relatively, so that the dashboard's
 * relative addresses (its assets, and the API one folder up) work under any path prefix.
 */
export function guiRoutes(root: string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let page: Promise<string> | undefined;
  const readPage = () => {
    page ??= readFile(join(root, 'index.html'), 'utf8');
    page.catch(() => {
      page = undefined;
    });
    return page;
  };
  const files = serveStatic({ root, rewriteRequestPath: (path) => path.replace(/^\/gui/, '') });

  const servePage = async (c: Context<AppEnv>) => {
    const html = await readPage();
    const base = `<base href="${guiBaseHref(new URL(c.req.url).pathname)}">`;
    c.header('cache-control', 'no-cache');
    return c.html(html.replace(/<head>/i, `<head>\n    ${base}`));
  };

  // Relative: behind a proxy that serves the server under /watchtower/, /watchtower/gui/.
  app.get('/gui', (c) => c.redirect('gui/', 301));
  app.use('/gui/*', compress(), etag());
  app.get('/gui/*', async (c, next) => {
    if (c.req.path === '/gui/' || c.req.path === '/gui/index.html') return servePage(c);
    // Built assets carry a content hash in their name: cache them for good. The page
    // itself must be revalidated, or a browser keeps an old build's asset names.
    const isAsset = c.req.path.startsWith('/gui/assets/');
    c.header('cache-control', isAsset ? 'public, max-age=31536000, immutable' : 'no-cache');
    const served = await files(c, async () => {});
    if (served) return served;
    if (isAsset) {
      c.header('cache-control', 'no-store');
      return errorAnswer(c, 'NOT_FOUND', `no dashboard file ${c.req.path}`);
    }
    // The dashboard's own routes (/gui/events, …) get the page.
    try {
      return await servePage(c);
    } catch {
      return next();
    }
  });
  return app;
}
