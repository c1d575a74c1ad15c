import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Event, Heartbeat } from '@watchtower/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { call, cleanUpServers, type ServerProcess, startServer } from '@watchtower/test-support';
import { DATABASE_KINDS, useServerData } from './support/databases.js';

// Each case starts the built server (dist/main.js) as a child process, as an operator would.

afterEach(cleanUpServers);

/** The fields of a heartbeat that must survive a restart unchanged. */
const storedHeartbeat = (hb: Heartbeat) => ({
  service: hb.service,
  alertType: hb.alertType,
  alertTarget: hb.alertTarget,
  nextIn: hb.nextIn,
  last: hb.last,
  alerted: hb.alerted,
  cancelled: hb.cancelled,
  status: hb.status,
});

const storedEvent = (event: Event) => ({
  id: event.id,
  service: event.service,
  level: event.level,
  message: event.message,
  date: event.date,
});

// A deadline an hour away stays in the future across any restart in these tests, so
// nothing in the stored rows has a reason to change.
const NEXT_IN = 3600;

async function pulse(server: ServerProcess, service: string): Promise<Heartbeat> {
  const response = await call(server, 'POST', '/heartbeat', { service, alertType: 'log', alertTarget: 'ops', nextIn: NEXT_IN });
  const body = (await response.json()) as { heartBeat: Heartbeat };
  if (response.status !== 200) throw new Error(`pulse answered ${response.status}: ${JSON.stringify(body)}`);
  return body.heartBeat;
}

async function addEvent(server: ServerProcess, message: string): Promise<Event> {
  const response = await call(server, 'POST', '/event', { service: 'restarts', level: 'info', message });
  const body = (await response.json()) as { event: Event };
  if (response.status !== 200) throw new Error(`add event answered ${response.status}: ${JSON.stringify(body)}`);
  return body.event;
}

/** Concurrent pulses (one service each) and events, as the server acknowledged them. */
async function writeConcurrently(server: ServerProcess, tag: string, count: number) {
  const heartBeats = await Promise.all(Array.from({ length: count }, (_, i) => pulse(server, `${tag}-service-${i}`)));
  const events = await Promise.all(Array.from({ length: count * 2 }, (_, i) => addEvent(server, `${tag} event ${i}`)));
  return { heartBeats, events };
}

async function readAll(server: ServerProcess): Promise<{ heartBeats: Heartbeat[]; events: Event[] }> {
  const heartbeatsResponse = await call(server, 'GET', '/heartbeats');
  expect(heartbeatsResponse.status).toBe(200);
  const eventsResponse = await call(server, 'GET', '/events?service=restarts&limit=1000');
  expect(eventsResponse.status).toBe(200);
  const { heartBeats } = (await heartbeatsResponse.json()) as { heartBeats: Heartbeat[] };
  const { events } = (await eventsResponse.json()) as { events: Event[] };
  return { heartBeats, events };
}

const byService = (a: { service: string }, b: { service: string }) => (a.service < b.service ? -1 : 1);
/**
 * Each deadline is kept, or moved later by the restart's grace (a pulse may have been lost
 * while no server ran), never to more than one nextIn after the restart.
 */
function expectDeadlinesKept(stored: Heartbeat[], written: Heartbeat[], restartedBy: number): void {
  for (const before of written) {
    const after = stored.find((hb) => hb.service === before.service)!;
    expect(after.expected, before.service).toBeGreaterThanOrEqual(before.expected);
    expect(after.expected, before.service).toBeLessThanOrEqual(restartedBy + before.nextIn);
  }
}

const newestFirst = (a: Event, b: Event) => b.date - a.date || b.id - a.id;

describe.each(DATABASE_KINDS)('data on %s', (kind) => {
  const data = useServerData(kind);

  it('keeps every acknowledged heartbeat and event across a clean restart', async () => {
    const first = await startServer({ env: data.env });
    const written = await writeConcurrently(first, 'clean', 10);
    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    const second = await startServer({ env: data.env });
    const stored = await readAll(second);
    expect(stored.heartBeats.map(storedHeartbeat).sort(byService)).toEqual(written.heartBeats.map(storedHeartbeat).sort(byService));
    expectDeadlinesKept(stored.heartBeats, written.heartBeats, Date.now() / 1000);
    expect(stored.events.map(storedEvent)).toEqual(written.events.sort(newestFirst).map(storedEvent));
  });

  it('keeps every acknowledged heartbeat and event after the process is killed', async () => {
    const first = await startServer({ env: data.env });
    const written = await writeConcurrently(first, 'before', 10);
    // A second burst is still in flight when the process dies: whatever was answered 200
    // must be there afterwards, whatever was not may or may not be.
    const burst = [
      ...Array.from({ length: 20 }, (_, i) => pulse(first, `burst-service-${i}`)),
      ...Array.from({ length: 40 }, (_, i) => addEvent(first, `burst event ${i}`)),
    ];
    await Promise.any(burst);
    expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    const settled = await Promise.allSettled(burst);
    const acknowledged = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const heartBeats = [...written.heartBeats, ...acknowledged.filter((value): value is Heartbeat => 'nextIn' in value)];
    // An event has a level; a heartbeat (which carries its last message too) has none.
    const events = [...written.events, ...acknowledged.filter((value): value is Event => 'level' in value)];
    if (kind === 'pglite') {
      // The killed process could not remove its lock; the next start must see it is stale.
      expect(existsSync(join(data.env.WATCHTOWER_DATA_DIR!, 'watchtower.lock'))).toBe(true);
    }

    // On PGlite the start waits for the killed process's lock to go stale (10 s).
    const second = await startServer({ env: data.env }, 60_000);
    const stored = await readAll(second);
    expect(stored.heartBeats.map(storedHeartbeat)).toEqual(expect.arrayContaining(heartBeats.map(storedHeartbeat)));
    expectDeadlinesKept(stored.heartBeats, heartBeats, Date.now() / 1000);
    expect(stored.events.map(storedEvent)).toEqual(expect.arrayContaining(events.map(storedEvent)));
  }, 120_000);
});
