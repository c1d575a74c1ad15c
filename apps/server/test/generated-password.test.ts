import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { call, cleanUpServers, startServer, temporaryFolder } from '@watchtower/test-support';

// Each case starts the built server (dist/main.js) as a child process, as an operator would.

afterEach(cleanUpServers);

describe('the generated password', () => {
  const noPassword = (dataDir: string) => ({ WATCHTOWER_PASSWORD: undefined, WATCHTOWER_DATA_DIR: dataDir });

  it('is printed on the first start and stored in the data folder for the owner alone', async () => {
    const dataDir = temporaryFolder('watchtower-data-');
    const server = await startServer({ env: noPassword(dataDir) });
    const file = join(dataDir, 'password');
    const password = readFileSync(file, 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(server.stdout().split(password).length - 1).toBe(1);
  });

  it('is accepted by the API, and a wrong one is refused with 401', async () => {
    const dataDir = temporaryFolder('watchtower-data-');
    const server = await startServer({ env: noPassword(dataDir) });
    const password = readFileSync(join(dataDir, 'password'), 'utf8').trim();

    const right = await call(server, 'GET', '/heartbeats', undefined, password);
    expect(right.status).toBe(200);
    expect(await right.json()).toEqual({ result: 200, heartBeats: [] });

    const wrong = await call(server, 'GET', '/heartbeats', undefined, `${password}x`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ result: 401, code: 'UNAUTHORIZED' });
  });

  it('is not printed again on the next start, which accepts the same password', async () => {
    const dataDir = temporaryFolder('watchtower-data-');
    const first = await startServer({ env: noPassword(dataDir) });
    const password = readFileSync(join(dataDir, 'password'), 'utf8').trim();
    expect(first.stdout()).toContain(password);
    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    const second = await startServer({ env: noPassword(dataDir) });
    expect(second.stdout()).not.toContain(password);
    expect(readFileSync(join(dataDir, 'password'), 'utf8').trim()).toBe(password);
    expect((await call(second, 'GET', '/heartbeats', undefined, password)).status).toBe(200);
  });
});
