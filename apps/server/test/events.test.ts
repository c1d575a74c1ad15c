import { describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/databases.js';
import { useTestApp } from './support/test-app.js';

interface Ev {
  id: number;
  service: string;
  level: number;
  message: string;
  date: number;
}

describe.each(DATABASE_KINDS)('events on %s', (kind) => {
  const t = useTestApp(kind, {
    configure: (config) => {
      config.alerts.defaultType = 'log';
      config.alerts.defaultTarget = 'ops';
    },
  });

  async function add(service: string, message: string, level?: unknown): Promise<Ev> {
    const response = await t.call('POST', '/event', level === undefined ? { service, message } : { service, message, level });
    expect(response.status).toBe(200);
    return (await response.json()).event;
  }

  async function list(query: string, path = '/events'): Promise<{ events: Ev[]; next: string | null }> {
    const response = await t.call('GET', `${path}${query ? `?${query}` : ''}`);
    expect(response.status, await response.clone().text()).toBe(200);
    return response.json();
  }

  describe.each(['/event', '/add-event'])('add at POST %s', (path) => {
    it('stores the event dated by the server clock and answers it', async () => {
      const response = await t.call('POST', path, { service: 'backup', level: 40, message: 'disk full' });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        result: 200,
        event: { id: 1, service: 'backup', level: 40, message: 'disk full', date: t.clock.now().getTime() / 1000 },
      });
      expect(await t.count('events')).toBe(1);
    });

    it('accepts an urlencoded form', async () => {
      const response = await t.call('POST', path, 'service=backup&level=warning&message=slow%20disk', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(response.status).toBe(200);
      expect((await response.json()).event).toMatchObject({ service: 'backup', level: 30, message: 'slow disk' });
    });
  });

  it.each([
    ['debug', 10],
    ['info', 20],
    ['warning', 30],
    ['error', 40],
    ['critical', 50],
    ['CRITICAL', 50],
    ['7', 7],
    [0, 0],
    [12345, 12345],
  ])('stores level %j as %i', async (level, stored) => {
    expect((await add('svc', 'm', level)).level).toBe(stored);
  });

  it('stores level 0 when no level is given', async () => {
    expect((await add('svc', 'm')).level).toBe(0);
  });

  it('keeps messages of 10,000 characters, with any characters, exactly', async () => {
    const message = `${'x'.repeat(9_990)}é東🚀'"\\%_\n`;
    expect([...message].length).toBeLessThanOrEqual(10_000);
    await add('svc', message);
    expect((await list('')).events[0]?.message).toBe(message);
  });

  describe.each(['/events', '/list-events'])('list at GET %s', (path) => {
    it('answers events newest first', async () => {
      await add('a', 'first');
      t.clock.advance(1);
      await add('b', 'second');
      t.clock.advance(1);
      await add('a', 'third');
      const page = await list('', path);
      expect(page.events.map((e) => e.message)).toEqual(['third', 'second', 'first']);
      expect(page.next).toBeNull();
    });
  });

  it('orders events of the same instant by id, newest first', async () => {
    await add('a', 'one');
    await add('a', 'two');
    expect((await list('')).events.map((e) => e.message)).toEqual(['two', 'one']);
  });

  describe('filters', () => {
    async function seed(): Promise<void> {
      // 2026-01-01T12:00:00Z + minutes
      const rows: Array<[string, number, string]> = [
        ['backup', 20, 'Backup started'],
        ['backup', 40, 'Backup FAILED: disk 100% full'],
        ['web', 30, 'slow response from db_primary'],
        ['web', 50, 'web server down (regex .* chars [x])'],
        ['backup-2', 40, 'path C:\\temp\\x failed'],
      ];
      for (const [service, level, message] of rows) {
        await add(service, message, level);
        t.clock.advance(60);
      }
    }
    const start = Date.UTC(2026, 0, 1, 12, 0, 0) / 1000;
    const messages = async (query: string) => (await list(query)).events.map((e) => e.message);

    it('service keeps exactly that service', async () => {
      await seed();
      expect(await messages('service=backup')).toEqual(['Backup FAILED: disk 100% full', 'Backup started']);
    });

    it('level keeps events at or above it, by number or by name', async () => {
      await seed();
      const expected = ['path C:\\temp\\x failed', 'web server down (regex .* chars [x])', 'Backup FAILED: disk 100% full'];
      expect(await messages('level=40')).toEqual(expected);
      expect(await messages('level=error')).toEqual(expected);
    });

    it('from and to bound the date, inclusive, as Unix seconds or ISO-8601', async () => {
      await seed();
      const window = ['web server down (regex .* chars [x])', 'slow response from db_primary', 'Backup FAILED: disk 100% full'];
      expect(await messages(`from=${start + 60}&to=${start + 180}`)).toEqual(window);
      expect(await messages('from=2026-01-01T12:01:00Z&to=2026-01-01T12:03:00.000Z')).toEqual(window);
      expect(await messages('from=2026-01-01T13:01:00%2B01:00&to=2026-01-01T12:03:00Z')).toEqual(window);
      expect(await messages(`to=${start - 1}`)).toEqual([]);
    });

    it('message matches a part of the text, case-insensitive', async () => {
      await seed();
      expect(await messages('message=backup')).toEqual(['Backup FAILED: disk 100% full', 'Backup started']);
      expect(await messages('message=FAILED')).toEqual(['path C:\\temp\\x failed', 'Backup FAILED: disk 100% full']);
    });

    it.each([
      ['100%', ['Backup FAILED: disk 100% full']],
      ['%', ['Backup FAILED: disk 100% full']],
      ['db_primary', ['slow response from db_primary']],
      ['_', ['slow response from db_primary']],
      ['C:\\temp\\x', ['path C:\\temp\\x failed']],
      ['\\', ['path C:\\temp\\x failed']],
      ['.*', ['web server down (regex .* chars [x])']],
      ['[x]', ['web server down (regex .* chars [x])']],
      ["'; drop table events; --", []],
    ])('message takes %j literally', async (needle, expected) => {
      await seed();
      expect(await messages(`message=${encodeURIComponent(needle)}`)).toEqual(expected);
      expect(await t.count('events')).toBe(5);
    });

    it('service takes SQL characters literally', async () => {
      await seed();
      expect(await messages(`service=${encodeURIComponent("backup' or '1'='1")}`)).toEqual([]);
      expect(await messages('service=backup%25')).toEqual([]);
    });

    it('combines every filter with AND', async () => {
      await seed();
      const query = `service=backup&level=30&from=${start}&to=${start + 60}&message=disk`;
      expect(await messages(query)).toEqual(['Backup FAILED: disk 100% full']);
      expect(await messages(`service=web&level=50&message=slow`)).toEqual([]);
    });
  });

  describe('paging', () => {
    it('walks every event exactly once with limit and the next cursor', async () => {
      for (let i = 0; i < 25; i += 1) {
        await add(i % 2 ? 'odd' : 'even', `event ${i}`);
        // Several events share an instant, so the cursor must break ties by id.
        if (i % 3 === 0) t.clock.advance(1);
      }
      const seen: string[] = [];
      let query = 'limit=7';
      for (let pages = 0; pages < 10; pages += 1) {
        const page = await list(query);
        seen.push(...page.events.map((e) => e.message));
        if (!page.next) break;
        expect(page.events).toHaveLength(7);
        query = `limit=7&before=${encodeURIComponent(page.next)}`;
      }
      expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `event ${24 - i}`));
    });

    it('pages within filters', async () => {
      for (let i = 0; i < 10; i += 1) {
        await add(i % 2 ? 'odd' : 'even', `event ${i}`, i % 2 ? 40 : 20);
        t.clock.advance(1);
      }
      const first = await list('service=odd&limit=3');
      expect(first.events.map((e) => e.message)).toEqual(['event 9', 'event 7', 'event 5']);
      const second = await list(`service=odd&limit=3&before=${first.next}`);
      expect(second.events.map((e) => e.message)).toEqual(['event 3', 'event 1']);
      expect(second.next).toBeNull();
    });

    it('does not repeat or skip events added while paging', async () => {
      for (let i = 0; i < 4; i += 1) await add('svc', `old ${i}`);
      const first = await list('limit=2');
      t.clock.advance(1);
      await add('svc', 'new');
      const second = await list(`limit=2&before=${first.next}`);
      expect([...first.events, ...second.events].map((e) => e.message)).toEqual(['old 3', 'old 2', 'old 1', 'old 0']);
    });

    it('answers 100 events by default and at most 1,000', async () => {
      const values = Array.from({ length: 1_001 }, (_, i) => `('bulk', 20, 'e${i}', now())`).join(',');
      await t.storage.query(`insert into events (service, level, message, date) values ${values}`, []);
      expect((await list('')).events).toHaveLength(100);
      const all = await list('limit=1000');
      expect(all.events).toHaveLength(1_000);
      expect(all.next).not.toBeNull();
    });
  });

  describe('Idempotency-Key', () => {
    it('stores a retried event once and answers the first copy', async () => {
      const body = { service: 'backup', level: 'error', message: 'disk full' };
      const first = await t.call('POST', '/event', body, { 'idempotency-key': 'retry-1' });
      t.clock.advance(5);
      const again = await t.call('POST', '/event', body, { 'idempotency-key': 'retry-1' });
      expect(again.status).toBe(200);
      expect((await again.json()).event).toEqual((await first.json()).event);
      expect(await t.count('events')).toBe(1);
      await t.call('POST', '/event', body, { 'idempotency-key': 'retry-2' });
      await t.call('POST', '/event', body);
      expect(await t.count('events')).toBe(3);
    });

    it('stores concurrent copies of one key once, among other events of the same batch', async () => {
      const sends = Array.from({ length: 30 }, (_, i) =>
        t.call('POST', '/event', { service: 'svc', message: `m${i % 3}` }, i % 3 === 0 ? { 'idempotency-key': 'same' } : {}),
      );
      const answers = await Promise.all(sends.map(async (send) => (await (await send).json()).event as Ev));
      const keyed = answers.filter((_, i) => i % 3 === 0);
      expect(new Set(keyed.map((event) => event.id)).size).toBe(1);
      expect(await t.count('events')).toBe(21);
      const others = answers.filter((_, i) => i % 3 !== 0);
      expect(others.map((event) => event.message)).toEqual(
        Array.from({ length: 20 }, (_, j) => `m${(Math.floor(j / 2) * 3 + (j % 2) + 1) % 3}`),
      );
    });

    it('refuses a key already used for another event, and keeps the first', async () => {
      await t.call('POST', '/event', { service: 'svc', message: 'first' }, { 'idempotency-key': 'k1' });
      const other = await t.call('POST', '/event', { service: 'svc', message: 'second' }, { 'idempotency-key': 'k1' });
      expect(other.status).toBe(400);
      expect((await other.json()).hint).toMatch(/Idempotency-Key was used for another event/);
      const { events } = await (await t.call('GET', '/events?service=svc')).json();
      expect(events.map((e: Ev) => e.message)).toEqual(['first']);
    });

    it('queues the alert of an alert: true event once', async () => {
      const body = { service: 'backup', level: 'critical', message: 'restore failed', alert: true };
      for (let i = 0; i < 3; i += 1) {
        expect((await t.call('POST', '/event', body, { 'idempotency-key': 'k' })).status).toBe(200);
      }
      expect(await t.count('events')).toBe(1);
      expect(await t.count('alerts')).toBe(1);
    });

    it('refuses a key that is empty, too long or not visible ASCII, storing nothing', async () => {
      for (const key of ['', 'a'.repeat(256), 'with space', 'caf\u00e9']) {
        const response = await t.call('POST', '/event', { service: 'svc', message: 'm' }, { 'idempotency-key': key });
        expect(response.status, key).toBe(400);
        expect((await response.json()).hint).toMatch(/Idempotency-Key/);
      }
      expect(await t.count('events')).toBe(0);
    });
  });
});
