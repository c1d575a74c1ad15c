import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUpServers, httpsGet, startServer, temporaryFolder } from '@watchtower/test-support';

// Each case starts the built server (dist/main.js) as a child process, as an operator would.

afterEach(cleanUpServers);

describe('TLS', () => {
  it('serves HTTPS when server.ssl is true in the config file', async () => {
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

    const server = await startServer({ env: { WATCHTOWER_CONFIG: config }, tls: true });
    expect(server.url).toMatch(/^https:/);
    const answer = await httpsGet(`${server.url}/healthz`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ result: 200, status: 'ok', failedAlerts24h: 0 });
  });
});
