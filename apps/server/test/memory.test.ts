import { readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { cleanUpServers, createTestDatabase, startServer } from '@watchtower/test-support';

// The built server's resident memory once started, idle. Generous bounds: they catch the
// ~500 MB the embedded database once held from the start, not a few megabytes.

let drop: (() => Promise<void>) | undefined;

afterEach(async () => {
  await cleanUpServers();
  await drop?.();
  drop = undefined;
});

const residentMb = (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
const settle = () => new Promise((wait) => setTimeout(wait, 3_000));

it('idles under 300 MB on the embedded database, its data folder new', async () => {
  const server = await startServer({}, 120_000);
  await settle();
  expect(residentMb(server.pid)).toBeLessThan(300);
}, 180_000);

it('idles under 200 MB on PostgreSQL', async () => {
  const database = await createTestDatabase('watchtower_memory');
  drop = database.drop;
  const server = await startServer({ env: { DATABASE_URL: database.url } });
  await settle();
  expect(residentMb(server.pid)).toBeLessThan(200);
}, 120_000);
