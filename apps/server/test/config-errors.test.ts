import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUpServers, spawnServer, temporaryFolder, waitForExit } from '@watchtower/test-support';

// Each case starts the built server (dist/main.js) as a child process, as an operator would.

afterEach(cleanUpServers);

describe('a configuration error', () => {
  const configFile = (content: string) => {
    const file = join(temporaryFolder('watchtower-config-'), 'config.json');
    writeFileSync(file, content);
    return file;
  };

  it.each([
    { problem: 'PORT=abc', key: 'PORT', env: () => ({ PORT: 'abc' }) },
    { problem: 'LOG_LEVEL=loud', key: 'LOG_LEVEL', env: () => ({ LOG_LEVEL: 'loud' }) },
    {
      problem: 'an unknown key in the config file',
      key: 'server.prot',
      env: () => ({ WATCHTOWER_CONFIG: configFile('{"server":{"prot":1}}') }),
    },
    {
      problem: 'a missing WATCHTOWER_CONFIG file',
      key: 'WATCHTOWER_CONFIG',
      env: () => ({ WATCHTOWER_CONFIG: join(temporaryFolder('watchtower-config-'), 'missing.json') }),
    },
    { problem: 'DATABASE_URL=mysql://x', key: 'DATABASE_URL', env: () => ({ DATABASE_URL: 'mysql://x' }) },
    {
      problem: 'a history kept less than the 30 days of uptime',
      key: 'WATCHTOWER_HISTORY_RETENTION_DAYS: must be a whole number of days, at least 30',
      env: () => ({ WATCHTOWER_HISTORY_RETENTION_DAYS: '7' }),
    },
    {
      problem: 'two workers on the embedded database',
      key: 'WATCHTOWER_WORKERS: more than one worker needs PostgreSQL',
      env: () => ({ WATCHTOWER_WORKERS: '2' }),
    },
  ])('stops the server with a non-zero exit naming $key for $problem', async ({ key, env }) => {
    const server = await spawnServer({ env: env() });
    const exit = await waitForExit(server);
    expect(exit.signal).toBeNull();
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(server.stderr()).toContain(key);
  });
});
