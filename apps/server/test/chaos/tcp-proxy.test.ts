import postgres from 'postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy, TEST_DATABASE_URL } from '@watchtower/test-support';

// The proxy the outage tests put between the server and PostgreSQL, checked with a plain client.

type Outcome = { settled: 'answered' | 'failed'; ms: number; code?: string } | { settled: 'pending'; ms: number };

/** Runs `select 1` and reports how it ended within `ms`, without waiting longer. */
async function trySelect(sql: postgres.Sql, ms: number): Promise<Outcome> {
  const started = Date.now();
  const query = sql`select 1 as one`.then(
    () => ({ settled: 'answered' as const, ms: Date.now() - started }),
    (error: { code?: string }) => ({ settled: 'failed' as const, ms: Date.now() - started, code: error.code }),
  );
  const pending = new Promise<Outcome>((done) => setTimeout(() => done({ settled: 'pending', ms }), ms));
  return Promise.race([query, pending]);
}

let proxy: TcpProxy;
const clients: postgres.Sql[] = [];

function client(): postgres.Sql {
  const sql = postgres(proxy.proxiedUrl(TEST_DATABASE_URL), { max: 1, connect_timeout: 60, onnotice: () => {} });
  clients.push(sql);
  return sql;
}

beforeEach(async () => {
  proxy = await startTcpProxy();
});

afterEach(async () => {
  await proxy.close();
  await Promise.all(clients.splice(0).map((sql) => sql.end({ timeout: 0 })));
});

describe('the TCP proxy', () => {
  it('passes queries through to PostgreSQL', async () => {
    expect(await client()`select 1 as one`).toEqual([{ one: 1 }]);
    expect(proxy.stats.piped).toBe(1);
  });

  it('breaks open connections and refuses new ones at once while cut in refuse mode', async () => {
    const connected = client();
    await connected`select 1`;
    await proxy.cut('refuse');

    const onBroken = await trySelect(connected, 5_000);
    const onNew = await trySelect(client(), 5_000);
    expect(onBroken.settled).toBe('failed');
    expect(onNew).toMatchObject({ settled: 'failed', code: 'ECONNREFUSED' });
    expect(onNew.ms).toBeLessThan(2_000);
  });

  it('leaves queries hanging while cut in black-hole mode', async () => {
    await proxy.cut('black-hole');
    const sql = client();
    const outcome = await trySelect(sql, 3_000);
    expect(outcome.settled).toBe('pending');
    expect(proxy.stats.blackHoled).toBe(1);
  });

  it.each(['refuse', 'black-hole'] as const)('lets new connections through again after a %s cut is restored', async (mode) => {
    const connected = client();
    await connected`select 1`;
    await proxy.cut(mode);
    await trySelect(client(), 1_000);
    await proxy.restore();

    expect(await trySelect(client(), 5_000)).toMatchObject({ settled: 'answered' });
    // The client that lost its connection opens a new one.
    expect(await trySelect(connected, 5_000)).toMatchObject({ settled: expect.stringMatching(/answered|failed/) });
    expect(await trySelect(connected, 5_000)).toMatchObject({ settled: 'answered' });
  });
});
