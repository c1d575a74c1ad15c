import { describe, expect, it } from 'vitest';
import { createDashboardFolder } from './support/dashboard-folder.js';
import { DATABASE_KINDS } from './support/databases.js';
import { useTestApp } from './support/test-app.js';

const guiDir = createDashboardFolder();

describe.each(DATABASE_KINDS)('HTTP behaviour on %s', (kind) => {
  const t = useTestApp(kind, { guiDir });

  describe('public routes', () => {
    it('answers the health probe without credentials', async () => {
      const response = await t.app.request('/healthz');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ result: 200, status: 'ok', failedAlerts24h: 0 });
    });

    it('serves the API reference without credentials', async () => {
      const document = await t.app.request('/openapi.json');
      expect(document.status).toBe(200);
      expect(await document.json()).toMatchObject({ openapi: '3.1.0' });
      const page = await t.app.request('/docs');
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('swagger-ui-bundle.js');
    });

    it('serves the dashboard without credentials', async () => {
      const response = await t.app.request('/gui/');
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('watchtower dashboard');
      // Relative, so that a proxy's path prefix is kept: from /gui it leads to /gui/.
      expect((await t.app.request('/gui')).headers.get('location')).toBe('gui/');
    });

    it('serves the dashboard page for its own client-side routes', async () => {
      const response = await t.app.request('/gui/services/backup');
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('watchtower dashboard');
      expect(response.headers.get('cache-control')).toBe('no-cache');
    });

    it('caches hashed assets for good and the page not at all', async () => {
      const asset = await t.app.request('/gui/assets/index-3f9a1c.js');
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await t.app.request('/gui/')).headers.get('cache-control')).toBe('no-cache');
    });

    it('answers 404 for a missing asset instead of the page', async () => {
      expect((await t.app.request('/gui/assets/gone-123.js')).status).toBe(404);
    });
  });
});
