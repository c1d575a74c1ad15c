import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/test-app.js';

describe('GET /dashboard-settings', () => {
  const t = useTestApp('pglite', {
    configure: (config) => {
      config.gui.eventsPresets = [{ name: 'Errors today', filters: { level: 'error', since: '1d' } }];
      config.alerts.pushover.token = 'app-token';
    },
  });

  it('answers the configured presets and the channels that can deliver', async () => {
    const response = await t.call('GET', '/dashboard-settings');
    expect(await response.json()).toEqual({
      result: 200,
      eventsPresets: [{ name: 'Errors today', filters: { level: 'error', since: '1d' } }],
      channels: ['pushover', 'slack', 'log'],
      scope: 'admin',
    });
  });

  it("says the caller's scope, so the dashboard offers only what it may do", async () => {
    const { secret } = await t.createKey('read');
    const response = await t.call('GET', '/dashboard-settings', undefined, { password: secret });
    expect((await response.json()).scope).toBe('read');
  });

  it('requires credentials', async () => {
    expect((await t.app.request('/dashboard-settings')).status).toBe(401);
  });
});
