import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { ConfigSchema } from '../src/config.js';
import type { Query } from '../src/db/client.js';
import { silentLogger } from '../src/lib/logger.js';
import { DATABASE_KINDS } from './support/databases.js';
import { PASSWORD, useTestApp } from './support/test-app.js';

interface Ev {
  id: number;
  service: string;
  level: number;
  message: string;
  date: number;
}

const DAY = 86_400;

/** Parses CSV as RFC 4180 writes it: quoted cells may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) throw new Error(`CSV does not end with CRLF: ${JSON.stringify(text.slice(-40))}`);
  return rows;
}

describe.each(DATABASE_KINDS)('events export and histogram on %s', (kind) => {
  const t = useTestApp(kind);

  async function add(service: string, message: string, level: number | string = 20): Promise<Ev> {
    const response = await t.call('POST', '/event', { service, message, level });
    expect(response.status).toBe(200);
    return (await response.json()).event;
  }

  /** `count` events straight into the table, one a second from `start` (Unix seconds). */
  async function seed(count: number, start: number, service = 'bulk', message = "'row ' || g"): Promise<void> {
    await t.storage.query(
      `insert into events (service, level, message, date)
       select $1, 20 + (g % 3) * 10, ${message}, to_timestamp($2::bigint + g) from generate_series(0, $3::int - 1) as g`,
      [service, start, count],
    );
  }

  async function exportText(query: string): Promise<{ response: Response; text: string }> {
    const response = await t.call('GET', `/events/export?${query}`);
    expect(response.status, response.status === 200 ? '' : await response.clone().text()).toBe(200);
    return { response, text: await response.text() };
  }

  describe('GET /events/export', () => {
    it('writes every matching event oldest first as NDJSON, across days, with the list filters', async () => {
      const written: Ev[] = [];
      for (let day = 0; day < 4; day += 1) {
        written.push(await add('backup', `night ${day}`, 'error'));
        written.push(await add('web', `request ${day}`, 'info'));
        t.clock.advance(DAY);
      }
      const { response, text } = await exportText('');
      expect(response.headers.get('content-type')).toContain('application/x-ndjson');
      expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="watchtower-events-\d{8}T\d{6}Z\.ndjson"$/);
      const lines = text.split('\n');
      expect(lines.pop()).toBe('');
      expect(lines.map((line) => JSON.parse(line))).toEqual(written);

      const filtered = await exportText(`service=backup&level=error&from=${written[2]?.date}&message=NIGHT`);
      expect(
        filtered.text
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line).message),
      ).toEqual(['night 1', 'night 2', 'night 3']);
      const bounded = await exportText(`to=${written[3]?.date}&format=ndjson`);
      expect(bounded.text.trim().split('\n')).toHaveLength(4);
    });

    it('reads more events than one page holds, each once, in order', async () => {
      await seed(4_500, 1_767_000_000);
      const { text } = await exportText('service=bulk');
      const ids = text
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as Ev).id);
      expect(ids).toHaveLength(4_500);
      expect(new Set(ids).size).toBe(4_500);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    });

    it('reads on exactly after a page that ends among dates finer than milliseconds', async () => {
      // 4,500 events within 5 ms: each page ends in a millisecond that the next one continues.
      await t.storage.query(
        `insert into events (service, level, message, date)
         select 'fine', 20, 'fine ' || g, to_timestamp(1767000000) + g * interval '1 microsecond' from generate_series(0, 4499) as g`,
        [],
      );
      const { text } = await exportText('service=fine');
      const messages = text
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as Ev).message);
      expect(messages).toHaveLength(4_500);
      expect(messages).toEqual(Array.from({ length: 4_500 }, (_, g) => `fine ${g}`));
    });

    it('writes CSV with a header row, RFC 4180 quoting and text kept from formulas', async () => {
      const plain = await add('web', 'plain words', 'warning');
      await add('web', 'comma, "quoted"\nand a second line', 'error');
      await add('=cmd', '=HYPERLINK("http://x")', 10);
      await add('web', '-1+2', 0);
      const { response, text } = await exportText('format=csv');
      expect(response.headers.get('content-type')).toContain('text/csv');
      expect(response.headers.get('content-disposition')).toMatch(/filename="watchtower-events-\d{8}T\d{6}Z\.csv"$/);
      const rows = parseCsv(text);
      expect(rows[0]).toEqual(['id', 'date', 'service', 'level', 'message']);
      expect(rows[1]).toEqual([String(plain.id), new Date(plain.date * 1000).toISOString(), 'web', '30', 'plain words']);
      expect(rows[2]?.[4]).toBe('comma, "quoted"\nand a second line');
      expect(rows[3]?.slice(2)).toEqual(["'=cmd", '10', `'=HYPERLINK("http://x")`]);
      expect(rows[4]?.[4]).toBe("'-1+2");
      expect(rows).toHaveLength(5);
      expect(parseCsv((await exportText('format=csv&service=nobody')).text)).toEqual([['id', 'date', 'service', 'level', 'message']]);
    });

    it('refuses a format it does not write and a filter it does not know, with 400', async () => {
      for (const [query, words] of [
        ['format=xml', 'format must be one of ndjson, csv'],
        ['limit=5', 'limit'],
        ['level=loud', 'level'],
      ] as const) {
        const response = await t.call('GET', `/events/export?${query}`);
        expect(response.status).toBe(400);
        const body = await response.json();
        expect(body.result).toBe(400);
        expect(JSON.stringify(body)).toContain(words);
      }
    });

    it('needs a read key: a pulse key is refused', async () => {
      const pulse = await t.createKey('pulse');
      const read = await t.createKey('read');
      const refused = await t.app.request('/events/export', { headers: { authorization: `Bearer ${pulse.secret}` } });
      expect(refused.status).toBe(403);
      const taken = await t.app.request('/events/histogram?bucket=3600', { headers: { authorization: `Bearer ${read.secret}` } });
      expect(taken.status).toBe(200);
    });
  });

  describe('GET /events/histogram', () => {
    async function histogram(query: string): Promise<Array<{ at: number; counts: Record<string, number> }>> {
      const response = await t.call('GET', `/events/histogram?${query}`);
      expect(response.status, await response.clone().text()).toBe(200);
      const body = await response.json();
      expect(body.result).toBe(200);
      return body.buckets;
    }

    it('counts by level in buckets, as a direct count does, every bucket of the range answered', async () => {
      const start = 1_767_225_600; // 2026-01-01T00:00:00Z
      await seed(7_200, start); // one a second for two hours, levels 20, 30, 40 in turn
      await seed(5, start + 600, 'other');
      const buckets = await histogram(`from=${start}&to=${start + 7_199}&bucket=900&service=bulk`);
      expect(buckets).toHaveLength(8);
      expect(buckets[0]).toEqual({ at: start, counts: { info: 300, warning: 300, error: 300 } });
      for (const [i, bucket] of buckets.entries()) {
        const [direct] = await t.storage.query<{ n: number }>(
          `select count(*)::int as n from events where service = 'bulk' and date >= to_timestamp($1::bigint) and date < to_timestamp($1::bigint + 900)`,
          [start + i * 900],
        );
        expect(bucket.at).toBe(start + i * 900);
        expect(Object.values(bucket.counts).reduce((sum, n) => sum + n, 0)).toBe(direct?.n);
      }
      const errors = await histogram(`from=${start}&to=${start + 7_199}&bucket=3600&level=error&service=bulk`);
      expect(errors).toEqual([
        { at: start, counts: { error: 1_200 } },
        { at: start + 3_600, counts: { error: 1_200 } },
      ]);
    });

    it('puts an event on a bucket edge in the bucket it starts, and answers empty buckets and unnamed levels', async () => {
      const start = 1_767_225_600;
      t.clock.set(new Date((start + 59) * 1000));
      await add('edge', 'last second of the first minute', 7);
      t.clock.set(new Date((start + 60) * 1000));
      await add('edge', 'first second of the second minute', 'critical');
      const buckets = await histogram(`from=${start}&to=${start + 179}&bucket=60`);
      expect(buckets).toEqual([
        { at: start, counts: { '7': 1 } },
        { at: start + 60, counts: { critical: 1 } },
        { at: start + 120, counts: {} },
      ]);
    });

    it('covers the last 24 hours when no range is given', async () => {
      await add('web', 'now');
      const buckets = await histogram('bucket=3600');
      const now = t.clock.now().getTime() / 1000;
      expect(buckets).toHaveLength(25);
      expect(buckets[0]?.at).toBe(Math.floor((now - DAY) / 3600) * 3600);
      expect(buckets.at(-1)).toEqual({ at: Math.floor(now / 3600) * 3600, counts: { info: 1 } });
    });

    it('refuses more than 1,000 buckets, a bad bucket and a reversed range with a clear 400', async () => {
      for (const [query, words] of [
        ['bucket=60', 'at most 1000 are answered: make bucket at least'],
        ['bucket=3600&from=0&to=86400000', 'buckets'],
        ['', 'bucket is required'],
        ['bucket=0', 'bucket must be at least 1 second'],
        ['bucket=1.5', 'whole number'],
        ['bucket=60&from=2026-01-02&to=2026-01-01', 'from must not be after to'],
      ] as const) {
        const response = await t.call('GET', `/events/histogram?${query}`);
        expect(response.status, query).toBe(400);
        expect(JSON.stringify(await response.json()), query).toContain(words);
      }
    });
  });
});

describe.each(DATABASE_KINDS)('an export whose reader goes away, on %s', (kind) => {
  const t = useTestApp(kind);

  it('stops reading the database and keeps serving', async () => {
    // 20 pages of about 2 MB: more than the socket buffers hold.
    await t.storage.query(
      `insert into events (service, level, message, date)
       select 'big', 20, repeat('x', 1000) || g, to_timestamp(1767000000 + g) from generate_series(1, 40000) as g`,
      [],
    );
    let pageReads = 0;
    const query: Query = (text, params, options) => {
      if (text.includes('order by events.date asc')) pageReads += 1;
      return t.storage.query(text, params, options);
    };
    const db = { ...t.storage, query };
    const config = { ...ConfigSchema.parse({}), password: PASSWORD };
    const app = createApp({ db, clock: t.clock, config, log: silentLogger });
    const server = await new Promise<Server>((started) => {
      const instance = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => started(instance as Server));
    });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (let i = 0; i < 3; i += 1) {
        const aborter = new AbortController();
        const response = await fetch(`${base}/events/export?format=csv`, { headers: { password: PASSWORD }, signal: aborter.signal });
        const reader = response.body?.getReader();
        expect((await reader?.read())?.done).toBe(false);
        aborter.abort();
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const readsAfterLeaving = pageReads;
      expect(readsAfterLeaving).toBeLessThan(3 * 20);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(pageReads).toBe(readsAfterLeaving);

      const whole = await fetch(`${base}/events/export?service=big`, { headers: { password: PASSWORD } });
      expect((await whole.text()).trim().split('\n')).toHaveLength(40_000);
      const health = await fetch(`${base}/events?limit=1`, { headers: { password: PASSWORD } });
      expect(health.status).toBe(200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);
});
