import { call, cleanUpServers, createTestDatabase, startServer } from '@watchtower/test-support';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';

// postgres.js 3.4.9 throws from a timer when a connection closes with a small write
// pending (porsager/postgres#1154, #1208), which ends the process; the workspace patches it
// (patches/postgres@3.4.9.patch). A database that fails over or restarts must never take
// the server down.
describe('a PostgreSQL whose sessions are cut again and again (a fail-over, a restart)', () => {
  const databases: Array<() => Promise<void>> = [];
  afterAll(async () => {
    await cleanUpServers();
    for (const drop of databases) await drop();
  });

  it('keeps the server up and answering, read-only or not, while pulses keep coming', { timeout: 120_000 }, async () => {
    const database = await createTestDatabase();
    databases.push(database.drop);
    const server = await startServer({ env: { DATABASE_URL: database.url } });
    let exited = false;
    void server.exited.then(() => {
      exited = true;
    });
    const admin = postgres(database.url, { max: 1, onnotice: () => {} });
    const name = new URL(database.url).pathname.slice(1);
    const cut = () =>
      admin.unsafe('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
    let pulsing = true;
    const pulses = Array.from({ length: 8 }, async (_, i) => {
      while (pulsing) {
        await call(server, 'POST', '/heartbeat', { service: `svc-${i}`, alertType: 'log', alertTarget: 'ops', nextIn: 60 }).catch(
          () => undefined,
        );
      }
    });
    try {
      for (let round = 0; round < 6 && !exited; round += 1) {
        await admin.unsafe(`alter database "${name}" set default_transaction_read_only = ${round % 2 === 0 ? 'on' : 'off'}`);
        await cut();
        await new Promise((wait) => setTimeout(wait, 1_500));
      }
    } finally {
      pulsing = false;
      await Promise.all(pulses);
      await admin.unsafe(`alter database "${name}" reset default_transaction_read_only`);
      await cut();
      await admin.end();
    }
    expect(exited, server.stderr().slice(-2000)).toBe(false);
    await expect.poll(async () => (await fetch(`${server.url}/healthz`)).status, { timeout: 20_000, interval: 500 }).toBe(200);
  });
});
