import { beforeEach, describe, expect, it } from 'vitest';
import { applyRetention, type RetentionSettings } from '../src/domain/retention/apply-retention.js';
import { listEventPartitions } from '../src/domain/retention/event-partitions.js';
import { DATABASE_KINDS } from './support/databases.js';
import { useTestApp } from './support/test-app.js';

interface Ev {
  id: number;
  service: string;
  level: number;
  message: string;
  date: number;
}

const DAY_MS = 86_400_000;
// ManualClock.advance takes seconds.
const DAY = 86_400;

const DEFAULTS: RetentionSettings = { eventsDays: 90, eventsDaysByLevel: {}, alertsDays: 90, runsDays: 90, historyDays: 90 };

describe.each(DATABASE_KINDS)('retention on %s', (kind) => {
  const t = useTestApp(kind);
  beforeEach(async () => {
    // Partitions outlive the emptying of tables between tests: each test starts with none.
    for (const partition of await listEventPartitions(t.storage)) await t.storage.query(`drop table ${partition.name}`, []);
  });
  const retain = (settings: Partial<RetentionSettings> = {}) =>
    applyRetention({ db: t.storage, clock: t.clock }, { ...DEFAULTS, ...settings });

  /** The partitions of events, by name, from the catalog. */
  async function partitions(): Promise<string[]> {
    const rows = await t.storage.query<{ name: string }>(
      `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = 'events'::regclass order by 1`,
      [],
    );
    return rows.map((row) => row.name);
  }

  async function add(service: string, message: string, level = 20, key?: string): Promise<Ev> {
    const response = await t.call('POST', '/event', { service, message, level }, key ? { 'idempotency-key': key } : {});
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()).event;
  }

  async function list(query = ''): Promise<{ events: Ev[]; next: string | null }> {
    const response = await t.call('GET', `/events${query ? `?${query}` : ''}`);
    expect(response.status, await response.clone().text()).toBe(200);
    return response.json();
  }

  /** Every page of a listing, followed by its cursors. */
  async function listAll(query: string, limit: number): Promise<Ev[]> {
    const events: Ev[] = [];
    let before: string | null = null;
    do {
      const page = await list([query, `limit=${limit}`, before ? `before=${before}` : ''].filter(Boolean).join('&'));
      events.push(...page.events);
      before = page.next;
    } while (before);
    return events;
  }

  async function partitionOf(id: number): Promise<string | undefined> {
    const [row] = await t.storage.query<{ name: string }>('select tableoid::regclass::text as name from events where id = $1', [id]);
    return row?.name;
  }

  it('makes the partitions of today and of the week ahead', async () => {
    const outcome = await retain();
    expect(outcome.partitionsCreated).toBe(8);
    const names = await partitions();
    for (let day = 1; day <= 8; day++) expect(names).toContain(`events_p202601${String(day).padStart(2, '0')}`);
    expect(names).toContain('events_default');
    // Made already: none again.
    expect((await retain()).partitionsCreated).toBe(0);
  });

  it("moves events that landed in the default partition into their day's partition when it is made", async () => {
    const event = await add('backup', 'before any partition of its day');
    expect(await partitionOf(event.id)).toBe('events_default');
    await retain();
    expect(await partitionOf(event.id)).toBe('events_p20260101');
    expect((await list()).events).toEqual([event]);
    expect(await t.storage.query('select count(*)::int as n from events_default', [])).toEqual([{ n: 0 }]);
  });

  it('drops the partition of a day past retention, with its events and their idempotency keys', async () => {
    await retain();
    const old = await add('backup', 'old', 20, 'key-1');
    t.clock.advance(80 * DAY);
    await retain();
    const recent = await add('backup', 'recent');
    t.clock.advance(11 * DAY);
    const outcome = await retain();
    expect(outcome.partitionsDropped).toBeGreaterThanOrEqual(1);
    expect(outcome.eventsDeleted).toBe(0);
    expect(await partitions()).not.toContain('events_p20260101');
    expect(await partitions()).toContain('events_p20260322');
    expect((await list()).events).toEqual([recent]);
    expect(await t.storage.query(`select to_regclass('events_p20260101') as left`, [])).toEqual([{ left: null }]);
    // The key went with its event: the same key now stores a new one.
    const again = await add('backup', 'old', 20, 'key-1');
    expect(again.id).not.toBe(old.id);
  });

  it('drops the table of a day detached by a process that stopped before dropping it', async () => {
    await t.storage.query('create table events_p20250101 (like events including defaults)', []);
    expect((await retain()).partitionsDropped).toBe(1);
    expect(await t.storage.query(`select to_regclass('events_p20250101') as left`, [])).toEqual([{ left: null }]);
  });

  it('keeps each level as long as its own setting says, then drops the day', async () => {
    await retain();
    const levels = [0, 10, 15, 20, 35, 40, 50];
    const added = new Map<number, Ev>();
    for (const level of levels) added.set(level, await add('app', `level ${level}`, level));
    // Enough debug rows to span several batches of pages.
    await t.storage.query(
      `insert into events (service, level, message, date) select 'bulk', 10, 'bulk ' || i, $1 from generate_series(1, 20000) i`,
      [t.clock.now().toISOString()],
    );
    const settings = { eventsDays: 90, eventsDaysByLevel: { debug: 7, error: 365 } };
    const kept = async () => (await list('limit=100')).events.map((event) => event.level).sort((a, b) => a - b);

    t.clock.advance(8 * DAY);
    expect((await retain(settings)).eventsDeleted).toBe(20_003);
    expect(await kept()).toEqual([20, 35, 40, 50]);
    // Scanned once for debug: the next run has nothing to do there.
    expect((await retain(settings)).eventsDeleted).toBe(0);

    t.clock.advance(90 * DAY);
    expect((await retain(settings)).eventsDeleted).toBe(3);
    expect(await kept()).toEqual([40]);
    expect(await partitions()).toContain('events_p20260101');

    t.clock.advance(270 * DAY);
    const outcome = await retain(settings);
    expect(outcome.partitionsDropped).toBeGreaterThanOrEqual(1);
    expect(await kept()).toEqual([]);
    expect(await partitions()).not.toContain('events_p20260101');
    expect(await t.storage.query('select * from event_level_purges where partition = $1', ['events_p20260101'])).toEqual([]);
  });

  it('removes old events from the default partition too, row by row', async () => {
    // Dated before any partition exists for their day: they stay in the default partition.
    const old = await add('app', 'old', 10);
    const kept = await add('app', 'kept', 40);
    expect(await partitionOf(old.id)).toBe('events_default');
    t.clock.advance(10 * DAY);
    // No partition was made for their day while they were there: retention leaves them in
    // the default partition (it makes today's and the days ahead only).
    const outcome = await retain({ eventsDaysByLevel: { debug: 7 } });
    expect(outcome.eventsDeleted).toBe(1);
    expect((await list()).events).toEqual([kept]);
    expect(await partitionOf(kept.id)).toBe('events_default');
  });

  it('pages across partition boundaries and the default partition with every filter of GET /events', async () => {
    await retain();
    const all: Ev[] = [];
    const services = ['api', 'db', 'cron'];
    for (let i = 0; i < 30; i++) {
      // Three days of events, 2h24m apart, then one far ahead (in the default partition).
      t.clock.advance(i === 29 ? 40 * DAY : DAY / 10);
      const message = i % 4 === 0 ? `disk timeout ${i}` : `ok ${i}`;
      all.push(await add(services[i % 3]!, message, [10, 20, 30, 40, 50][i % 5]!));
    }
    const stored = new Set(
      (await t.storage.query<{ name: string }>('select distinct tableoid::regclass::text as name from events', [])).map((r) => r.name),
    );
    expect(stored.size).toBeGreaterThanOrEqual(4);
    expect(stored).toContain('events_default');

    const newestFirst = [...all].sort((a, b) => b.date - a.date || b.id - a.id);
    const from = all[5]!.date;
    const to = all[25]!.date;
    const cases: Array<[string, (event: Ev) => boolean]> = [
      ['', () => true],
      ['service=db', (event) => event.service === 'db'],
      ['level=warning', (event) => event.level >= 30],
      ['message=TIMEOUT', (event) => event.message.includes('timeout')],
      [`from=${from}`, (event) => event.date >= from],
      [`to=${to}`, (event) => event.date <= to],
      [
        `service=api&level=20&from=${from}&to=${to}`,
        (event) => event.service === 'api' && event.level >= 20 && event.date >= from && event.date <= to,
      ],
    ];
    for (const [query, keep] of cases) {
      for (const limit of [1, 4, 7]) {
        expect({ query, limit, events: await listAll(query, limit) }).toEqual({ query, limit, events: newestFirst.filter(keep) });
      }
    }
  });

  it('removes settled alerts, ended runs and flips past their own retention', async () => {
    const now = t.clock.now().getTime();
    const ago = (days: number) => new Date(now - days * DAY_MS).toISOString();
    for (const [status, days] of [
      ['sent', 40],
      ['failed', 40],
      ['superseded', 40],
      ['pending', 40],
      ['sent', 20],
    ] as const) {
      await t.storage.query(
        `insert into alerts (kind, service, channel, target, details, status, next_attempt_at, created_at)
         values ('down', 'app', 'log', 'ops', '{}', $1, $2, $2)`,
        [status, ago(days)],
      );
    }
    for (const [ended, days] of [
      [true, 40],
      [true, 20],
      [false, 40],
    ] as const) {
      await t.storage.query(`insert into runs (service, started_at, ended_at, outcome) values ('app', $1, $2, $3)`, [
        ago(days),
        ended ? ago(days) : null,
        ended ? 'success' : 'running',
      ]);
    }
    for (const [service, days] of [
      ['app', 50],
      ['app', 40],
      ['app', 10],
      ['quiet', 45],
      ['quiet', 35],
    ] as const) {
      await t.storage.query(`insert into flips (service, at, from_status, to_status, cause) values ($1, $2, 'alive', 'dead', 'x')`, [
        service,
        ago(days),
      ]);
    }
    const outcome = await retain({ alertsDays: 30, runsDays: 30, historyDays: 30 });
    expect(outcome).toMatchObject({ alertsDeleted: 3, runsDeleted: 1, flipsDeleted: 2 });
    expect(await t.storage.query('select status from alerts order by status', [])).toEqual([{ status: 'pending' }, { status: 'sent' }]);
    expect(await t.storage.query('select outcome from runs order by outcome', [])).toEqual([
      { outcome: 'running' },
      { outcome: 'success' },
    ]);
    // Each service's last flip before the limit stays: it says which state its kept history starts in.
    const flips = await t.storage.query<{ service: string; at: Date }>('select service, at from flips order by service, at', []);
    expect(flips.map((flip) => [flip.service, Math.round((now - new Date(flip.at).getTime()) / DAY_MS)])).toEqual([
      ['app', 40],
      ['app', 10],
      ['quiet', 35],
    ]);
  });

  it("frees a deleted service's idempotency keys with its events", async () => {
    await t.call('PUT', '/heartbeat/app', { nextIn: 60, alertType: 'log', alertTarget: 'ops' });
    const first = await add('app', 'deploy', 20, 'deploy-1');
    expect((await t.call('DELETE', '/heartbeat/app')).status).toBe(200);
    expect(await t.storage.query('select count(*)::int as n from event_keys', [])).toEqual([{ n: 0 }]);
    const again = await add('app', 'deploy', 20, 'deploy-1');
    expect(again.id).not.toBe(first.id);
  });

  it('lets two runs meet: each finds what the other did already', async () => {
    await retain();
    await add('app', 'old');
    t.clock.advance(100 * DAY);
    const outcomes = await Promise.all([retain(), retain()]);
    expect(outcomes.reduce((sum, outcome) => sum + outcome.partitionsDropped, 0)).toBeGreaterThanOrEqual(1);
    expect(await partitions()).not.toContain('events_p20260101');
    expect((await list()).events).toEqual([]);
  });
});
