import type { StreamChange } from '@watchtower/protocol';
import { describe, expect, it } from 'vitest';
import { createLocalChangeFeed } from '../src/feed/change-feed.js';
import { DATABASE_KINDS } from './support/databases.js';
import { useTestApp } from './support/test-app.js';

interface Ev {
  id: number;
  service: string;
  level: number;
  message: string;
  date: number;
}

const batchOf = (count: number, make = (i: number): Record<string, unknown> => ({ service: `s${i % 7}`, message: `event ${i}` })) =>
  ({ events: Array.from({ length: count }, (_, i) => make(i)) }) as { events: Array<Record<string, unknown>> };

describe.each(DATABASE_KINDS)('batches of events on %s', (kind) => {
  const feed = createLocalChangeFeed();
  const t = useTestApp(kind, {
    feed,
    configure: (config) => {
      config.alerts.defaultType = 'log';
      config.alerts.defaultTarget = 'ops';
    },
  });

  async function listAll(query = ''): Promise<Ev[]> {
    const response = await t.call('GET', `/events?limit=1000${query}`);
    expect(response.status).toBe(200);
    return (await response.json()).events;
  }

  it('stores every event and answers their ids in the order sent, readable with GET /events', async () => {
    const events = [
      { service: 'backup', message: 'started', level: 'info' },
      { service: 'db', message: 'slow query', level: 30 },
      { service: 'backup', message: 'done' },
    ];
    const response = await t.call('POST', '/events/batch', { events });
    expect(response.status).toBe(200);
    const answer = await response.json();
    expect(answer).toEqual({ result: 200, ids: [1, 2, 3] });
    const date = t.clock.now().getTime() / 1000;
    expect((await listAll()).reverse()).toEqual([
      { id: 1, service: 'backup', level: 20, message: 'started', date },
      { id: 2, service: 'db', level: 30, message: 'slow query', date },
      { id: 3, service: 'backup', level: 0, message: 'done', date },
    ]);
  });

  it('answers 1,000 ids in order, each the id of its own event', async () => {
    const response = await t.call('POST', '/events/batch', batchOf(1_000));
    expect(response.status).toBe(200);
    const { ids } = (await response.json()) as { ids: number[] };
    expect(ids).toHaveLength(1_000);
    const byId = new Map((await listAll()).map((event) => [event.id, event]));
    for (const [i, id] of ids.entries()) expect(byId.get(id)).toMatchObject({ service: `s${i % 7}`, message: `event ${i}` });
  });

  it('keeps text exactly as sent, whatever array quoting would trip on', async () => {
    const messages = [
      '',
      'NULL',
      'null',
      '"quoted"',
      'back\\slash',
      '{braces}',
      'a,b',
      ' padded ',
      'tab\tand\nnewline',
      '東京 😀',
      "it's",
      '\\N',
    ];
    const services = ['NULL', '"q"', 'b\\s', '{x}', 'a,b', '東京 😀'];
    const events = messages.map((message, i) => ({ service: services[i % services.length]!, message }));
    const response = await t.call('POST', '/events/batch', { events });
    expect(response.status, await response.clone().text()).toBe(200);
    const stored = (await listAll()).reverse();
    expect(stored.map(({ service, message }) => ({ service, message }))).toEqual(events);
  });

  it('stores nothing when one event is bad, naming it by its index', async () => {
    const body = batchOf(1_000);
    body.events[499] = { service: 'backup', message: 'x', level: 'loud' };
    body.events[700] = { service: 'backup' };
    const response = await t.call('POST', '/events/batch', body);
    expect(response.status).toBe(400);
    const answer = await response.json();
    expect(answer).toMatchObject({ result: 400, code: 'VALIDATION_FAILED' });
    expect(answer.hint).toMatch(
      /^events\[499\]\.level: must be an integer from 0 to \d+ or one of debug, info, warning, error, critical; received the string "loud" \(nothing was stored\)$/,
    );
    expect(await t.count('events')).toBe(0);
  });

  it.each([
    ['1,001 events', batchOf(1_001), /^events holds 1001 events; at most 1,000 are taken in one request: split the batch/],
    ['an empty list', { events: [] }, /^events is empty: send 1 to 1,000 events/],
    ['no list', { service: 'backup', message: 'x' }, /^events is required: a list of 1 to 1,000 events/],
    [
      'a list that is an object',
      { events: { service: 'backup', message: 'x' } },
      /^events must be a list of 1 to 1,000 events; received an object/,
    ],
    [
      'an event that is not an object',
      { events: [{ service: 'a', message: 'b' }, 'x'] },
      /^events\[1\]: must be an event, an object such as \{"service":"backup","message":"done"\}; received the string "x"/,
    ],
    [
      'an event whose message is an object',
      { events: [{ service: 'a', message: {} }] },
      /^events\[0\]\.message: must be a string; received an object/,
    ],
    [
      'a message of 10,001 characters',
      { events: [{ service: 'a', message: 'm'.repeat(10_001) }] },
      /^events\[0\]\.message: must be at most 10000 characters/,
    ],
  ])('refuses %s, storing nothing', async (_name, body, hint) => {
    const response = await t.call('POST', '/events/batch', body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ result: 400, code: 'VALIDATION_FAILED', hint: expect.stringMatching(hint) });
    expect(await t.count('events')).toBe(0);
  });

  it('takes 1,000 events of the longest message, and refuses a larger body with 413', { timeout: 60_000 }, async () => {
    const long = batchOf(1_000, (i) => ({ service: 'bulk', message: String(i % 10).repeat(10_000) }));
    const response = await t.call('POST', '/events/batch', long);
    expect(response.status).toBe(200);
    expect((await response.json()).ids).toHaveLength(1_000);
    expect(await t.count('events')).toBe(1_000);
    // 1,000 messages of 10,000 three-byte characters: 30 MB, past the 16 MiB limit.
    const wide = batchOf(1_000, () => ({ service: 'bulk', message: '東'.repeat(10_000) }));
    const refused = await t.call('POST', '/events/batch', wide);
    expect(refused.status).toBe(413);
    expect(await refused.json()).toMatchObject({
      result: 413,
      code: 'PAYLOAD_TOO_LARGE',
      hint: 'the batch is larger than 16 MiB; send fewer events per request (nothing was stored)',
    });
    expect(await t.count('events')).toBe(1_000);
  });

  it('keeps the 64 KiB limit for every other route', async () => {
    const response = await t.call('POST', '/event', { service: 'a', message: 'm'.repeat(70_000) });
    expect(response.status).toBe(413);
  });

  it('needs a pulse key, and a read key stores nothing', async () => {
    const reader = await t.createKey('read');
    const refused = await t.call('POST', '/events/batch', batchOf(3), { password: reader.secret });
    expect(refused.status).toBe(403);
    expect((await refused.json()).hint).toBe('this key has scope read; POST /events/batch needs a pulse or admin key');
    expect(await t.count('events')).toBe(0);
    const pulser = await t.createKey('pulse');
    const stored = await t.call('POST', '/events/batch', batchOf(3), { password: pulser.secret });
    expect(stored.status).toBe(200);
    expect(await t.count('events')).toBe(3);
  });

  it('announces every event to live readers and counts them in /metrics', async () => {
    const seen: StreamChange[] = [];
    const stop = feed.subscribe({ change: (change) => seen.push(change) });
    try {
      const response = await t.call(
        'POST',
        '/events/batch',
        batchOf(5, (i) => ({ service: 'feed', message: `m${i}`, level: 'error' })),
      );
      const { ids } = await response.json();
      expect(seen).toEqual(
        ids.map((id: number, i: number) => ({
          type: 'event',
          event: { id, service: 'feed', level: 40, message: `m${i}`, date: t.clock.now().getTime() / 1000 },
        })),
      );
    } finally {
      stop();
    }
    const metrics = await (await t.call('GET', '/metrics')).text();
    expect(metrics).toMatch(/^watchtower_events_total\{level="error"\} 5$/m);
  });

  it('queues the alert of each event sent with alert: true', async () => {
    const response = await t.call('POST', '/events/batch', {
      events: [
        { service: 'a', message: 'quiet' },
        { service: 'b', message: 'loud', alert: true },
        { service: 'c', message: 'loud too', alert: 'true' },
      ],
    });
    expect(response.status).toBe(200);
    expect(await t.count('alerts')).toBe(2);
  });

  it('stores a batch retried with the same Idempotency-Key once, answering the same ids', async () => {
    const body = batchOf(4);
    const headers = { 'idempotency-key': 'batch-1' };
    const first = await (await t.call('POST', '/events/batch', body, headers)).json();
    const again = await t.call('POST', '/events/batch', body, headers);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    expect(await t.count('events')).toBe(4);
  });

  it('refuses a key used before for another batch, storing nothing of it', async () => {
    const headers = { 'idempotency-key': 'batch-2' };
    expect((await t.call('POST', '/events/batch', batchOf(2), headers)).status).toBe(200);
    const other = batchOf(3);
    other.events[1] = { service: 'other', message: 'different' };
    const response = await t.call('POST', '/events/batch', other, headers);
    expect(response.status).toBe(400);
    expect((await response.json()).hint).toBe(
      'this Idempotency-Key was used for another batch (events[1] differs); send a new key for a new batch',
    );
    expect(await t.count('events')).toBe(2);
  });

  it('keeps concurrent batches whole and apart', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, b) =>
        t.call(
          'POST',
          '/events/batch',
          batchOf(50, (i) => ({ service: `batch${b}`, message: `${b}:${i}` })),
        ),
      ),
    );
    const stored = new Map((await listAll()).map((event) => [event.id, event]));
    for (const [b, response] of answers.entries()) {
      const { ids } = (await response.json()) as { ids: number[] };
      expect(ids.map((id) => stored.get(id)?.message)).toEqual(Array.from({ length: 50 }, (_, i) => `${b}:${i}`));
    }
  });
});
