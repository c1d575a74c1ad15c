import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/test-app.js';

describe('CORS', () => {
  const t = useTestApp('pglite', {
    configure: (config) => {
      config.server.corsOrigins = ['https://app.example.com'];
    },
  });

  it('answers a preflight from a configured origin without credentials', async () => {
    const response = await t.app.request('/heartbeat', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'password, content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(response.headers.get('access-control-allow-headers')).toContain('password');
  });

  it('names no origin for a page of another origin', async () => {
    const response = await t.call('GET', '/heartbeats', undefined, { origin: 'https://evil.example.com' });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets the configured origin read answers', async () => {
    const response = await t.call('GET', '/heartbeats', undefined, { origin: 'https://app.example.com' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });
});
