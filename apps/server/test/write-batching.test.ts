import { describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/databases.js';
import { useTestApp } from './support/test-app.js';

describe.each(DATABASE_KINDS)('concurrent writes on %s', (kind) => {
  const t = useTestApp(kind);

  it('stores every one of 300 concurrent events and answers each with its own row', async () => {
    const responses = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        t.call('POST', '/event', { service: `svc-${i % 7}`, level: i % 60, message: `event number ${i}` }),
      ),
    );
    const events = await Promise.all(
      responses.map(async (r) => {
        expect(r.status).toBe(200);
        return (await r.json()).event;
      }),
    );
    events.forEach((event, i) => {
      expect(event).toMatchObject({ service: `svc-${i % 7}`, level: i % 60, message: `event number ${i}` });
    });
    expect(new Set(events.map((e) => e.id)).size).toBe(300);
    expect(await t.count('events')).toBe(300);
    const listed = await (await t.call('GET', '/events?limit=1000')).json();
    expect(listed.events.map((e: { id: number }) => e.id).sort((a: number, b: number) => a - b)).toEqual(
      events.map((e) => e.id).sort((a, b) => a - b),
    );
  });

  it('keeps one row per service when many pulses of one service arrive together', async () => {
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        t.call('POST', '/heartbeat', { service: `svc-${i % 40}`, alertType: 'log', alertTarget: 'ops', nextIn: 60 }),
      ),
    );
    for (const [i, response] of responses.entries()) {
      expect(response.status).toBe(200);
      expect((await response.json()).heartBeat).toMatchObject({ service: `svc-${i % 40}`, status: 'alive' });
    }
    expect(await t.count('heartbeats')).toBe(40);
  });

  it('answers each pulse with a row that reflects a pulse of its own service', async () => {
    const responses = await Promise.all(
      [10, 20, 30].map((nextIn) => t.call('POST', '/heartbeat', { service: 'same', alertType: 'log', alertTarget: 'ops', nextIn })),
    );
    const answered = await Promise.all(responses.map(async (r) => (await r.json()).heartBeat.nextIn));
    const stored = (await (await t.call('GET', '/heartbeat/same')).json()).heartBeat.nextIn;
    // The last pulse to arrive is the one that stays.
    expect(stored).toBe(30);
    for (const nextIn of answered) expect([10, 20, 30]).toContain(nextIn);
  });
});
