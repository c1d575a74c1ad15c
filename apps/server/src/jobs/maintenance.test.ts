import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStorage, type Storage } from '../db/client.js';
import { silentLogger } from '../lib/logger.js';
import { startMaintenance } from './maintenance.js';

let storage: Storage;
beforeAll(async () => {
  storage = await openStorage({ kind: 'pglite', memory: true });
  await storage.migrate();
});
afterAll(() => storage.close());

it('vacuums and analyzes the embedded database soon after start', async () => {
  const stats = async () =>
    (
      await storage.query<{ vacuumed: boolean; analyzed: boolean }>(
        `select last_vacuum is not null as vacuumed, last_analyze is not null as analyzed
         from pg_stat_user_tables where relname = 'heartbeats'`,
        [],
      )
    )[0];
  expect(await stats()).toEqual({ vacuumed: false, analyzed: false });
  const maintenance = startMaintenance(storage, silentLogger, { firstAfterMs: 10, intervalMs: 60_000 });
  try {
    const deadline = Date.now() + 5000;
    while (!(await stats())?.vacuumed && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
    expect(await stats()).toEqual({ vacuumed: true, analyzed: true });
  } finally {
    maintenance.stop();
  }
});
