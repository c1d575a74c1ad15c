import { describe, expect, it } from 'vitest';
import { claimOverdueHeartbeats } from '../src/domain/heartbeats/claim-overdue-heartbeats.js';
import { listRecentAlerts } from '../src/domain/outbox/delivery-queue.js';
import { renderAlert } from '../src/channels/render-alert.js';
import { DATABASE_KINDS } from './support/databases.js';
import { useTestApp } from './support/test-app.js';

describe.each(DATABASE_KINDS)('runs on %s', (kind) => {
  const t = useTestApp(kind);
  const ctx = () => ({ db: t.storage, clock: t.clock });
  const sweep = async () => (await claimOverdueHeartbeats(ctx())).services;
  const alerts = () => listRecentAlerts(ctx(), { limit: 100 });
  const json = async (response: Response) => ({ status: response.status, body: await response.json() });
  const signal = async (service: string, what: string, body: unknown = {}) =>
    json(await t.call('POST', `/heartbeat/${service}/${what}`, body));
  const pulse = async (body: Record<string, unknown>) => json(await t.call('POST', '/heartbeat', body));
  const runs = async (service: string, query = '') => (await json(await t.call('GET', `/heartbeat/${service}/runs${query}`))).body;
  const events = async (service: string) => (await json(await t.call('GET', `/events?service=${service}`))).body.events;
  const now = () => t.clock.now().getTime() / 1000;
  const job = (settings: Record<string, unknown> = {}) =>
    t.call('PUT', '/heartbeat/backup', { period: '1d', grace: '1h', alertType: 'log', alertTarget: 'ops', ...settings });

  it('pairs a start with its success and keeps the run with its duration', async () => {
    await job();
    expect((await signal('backup', 'start')).body.heartBeat.status).toBe('started');
    t.clock.advance(95);
    const done = await pulse({ service: 'backup', message: 'dumped 3 GB' });
    expect(done.body.heartBeat).toMatchObject({ status: 'alive', expected: now() + 86_400 + 3_600 });
    const { runs: list } = await runs('backup');
    expect(list).toEqual([
      {
        id: expect.any(Number),
        rid: null,
        started: now() - 95,
        ended: now(),
        duration: 95,
        outcome: 'success',
        exitCode: null,
        message: 'dumped 3 GB',
      },
    ]);
    expect((await json(await t.call('GET', '/heartbeat/backup'))).body.heartBeat.lastRun).toMatchObject({
      outcome: 'success',
      duration: 95,
    });
  });

  it('alerts a failure at once, quoting the exit code and the output, and recovers on the next success', async () => {
    await job();
    await signal('backup', 'start');
    t.clock.advance(12);
    const failed = await signal('backup', 'fail', { exitCode: 3, message: 'pg_dump: connection refused' });
    expect(failed.status).toBe(200);
    expect(failed.body.heartBeat).toMatchObject({ status: 'dead', alerted: true });
    const [alert] = await alerts();
    expect(alert).toMatchObject({ kind: 'failed', service: 'backup', channel: 'log', target: 'ops', status: 'pending' });
    expect(renderAlert(alert!)).toMatchObject({
      title: 'watchtower: backup failed with exit code 3',
      text: expect.stringMatching(/started at .* and failed with exit code 3 after 12 s\.\nIts output: pg_dump: connection refused/),
    });
    expect((await events('backup'))[0]).toMatchObject({
      level: 40,
      message: 'Service backup failed with exit code 3 after 12 s: pg_dump: connection refused',
    });
    // Dead already: a second failure is recorded, not alerted again; the sweeper claims nothing.
    await signal('backup', 'fail', { exitCode: 1 });
    expect(await alerts()).toHaveLength(1);
    t.clock.advance(2 * 86_400);
    expect(await sweep()).toEqual([]);
    await pulse({ service: 'backup' });
    expect((await alerts()).map((a) => a.kind)).toEqual(['recovered', 'failed']);
    expect((await runs('backup')).runs.map((run: { outcome: string; exitCode: number | null }) => [run.outcome, run.exitCode])).toEqual([
      ['fail', 1],
      ['fail', 3],
    ]);
  });

  it('calls a run dead when it outlives its maxRuntime, and says since when it runs', async () => {
    await job({ maxRuntime: '1h' });
    t.clock.set(Date.UTC(2026, 0, 2, 2));
    await signal('backup', 'start', { message: 'dumping 40 GB' });
    t.clock.advance(3600);
    expect(await sweep()).toEqual([]);
    t.clock.advance(0.001);
    expect(await sweep()).toEqual(['backup']);
    const [alert] = await alerts();
    expect(renderAlert(alert!)).toMatchObject({
      title: 'watchtower: backup is still running past its maxRuntime',
      text: expect.stringContaining('backup started at 2026-01-02T02:00:00Z and was still running at 2026-01-02T03:00:00Z.'),
    });
    expect(renderAlert(alert!).text).toMatch(/Its start said: dumping 40 GB$/);
    expect((await events('backup'))[0].message).toMatch(/started at 2026-01-02T02:00:00Z and was still running at 2026-01-02T03:00:00Z/);
    expect((await runs('backup')).runs[0]).toMatchObject({ outcome: 'timeout', ended: null });
    // It ends at last: the run keeps its time-out, and gets its end and duration.
    t.clock.advance(600);
    await pulse({ service: 'backup' });
    expect((await runs('backup')).runs[0]).toMatchObject({ outcome: 'timeout', duration: 4200.001 });
  });

  it('pairs overlapping runs by their rid and waits on the oldest one still open', async () => {
    await job({ maxRuntime: 600 });
    await signal('backup', 'start', { rid: 'a' });
    t.clock.advance(100);
    await signal('backup', 'start', { rid: 'b' });
    t.clock.advance(100);
    await signal('backup', 'fail', { rid: 'b', exitCode: 2 });
    // "a" is still open: the service is started (and dead by b's failure).
    const listed = (await runs('backup')).runs.map((run: { rid: string; outcome: string }) => [run.rid, run.outcome]);
    expect(listed).toEqual([
      ['b', 'fail'],
      ['a', 'running'],
    ]);
    t.clock.advance(100);
    await pulse({ service: 'backup', message: 'a done' });
    expect((await runs('backup')).runs[1]).toMatchObject({ rid: 'a', outcome: 'success', duration: 300, message: 'a done' });
  });

  it('ends the run a success names by its rid, not the newest', async () => {
    await job();
    await signal('backup', 'start', { rid: 'old' });
    t.clock.advance(10);
    await signal('backup', 'start', { rid: 'new' });
    t.clock.advance(10);
    await pulse({ service: 'backup', rid: 'old' });
    const listed = (await runs('backup')).runs.map((run: { rid: string; outcome: string; duration: number | null }) => [
      run.rid,
      run.outcome,
      run.duration,
    ]);
    expect(listed).toEqual([
      ['new', 'running', null],
      ['old', 'success', 20],
    ]);
    expect((await json(await t.call('GET', '/heartbeat/backup'))).body.heartBeat.status).toBe('started');
  });

  it('opens one run for a start sent twice, so no run is left to time out falsely', async () => {
    await job({ maxRuntime: 600 });
    await signal('backup', 'start', { rid: 'r1' });
    await signal('backup', 'start', { rid: 'r1' }); // the same start again: its answer was lost
    await signal('backup', 'start'); // and twice without a rid
    t.clock.advance(5);
    await signal('backup', 'start');
    t.clock.advance(5);
    await pulse({ service: 'backup', rid: 'r1' });
    await pulse({ service: 'backup' });
    expect((await runs('backup')).runs.map((run: { outcome: string; duration: number }) => [run.outcome, run.duration])).toEqual([
      ['success', 5],
      ['success', 10],
    ]);
    t.clock.advance(3_600);
    expect(await sweep()).toEqual([]);
    expect((await json(await t.call('GET', '/heartbeat/backup'))).body.heartBeat.status).toBe('alive');
  });

  it('lets a run that timed out hold no deadline once the next run ends', async () => {
    await job({ maxRuntime: 60 });
    await signal('backup', 'start', { rid: 'hung' });
    t.clock.advance(61);
    expect(await sweep()).toEqual(['backup']);
    await signal('backup', 'start', { rid: 'next' });
    t.clock.advance(10);
    await pulse({ service: 'backup', rid: 'next' });
    expect((await json(await t.call('GET', '/heartbeat/backup'))).body.heartBeat).toMatchObject({ status: 'alive' });
    t.clock.advance(120);
    expect(await sweep()).toEqual([]);
  });

  it('keeps a log message as an event and changes nothing else', async () => {
    await job();
    await pulse({ service: 'backup' });
    const before = (await json(await t.call('GET', '/heartbeat/backup'))).body.heartBeat;
    t.clock.advance(10);
    const logged = await signal('backup', 'log', { message: 'halfway there' });
    expect(logged.body).toEqual({
      result: 200,
      event: expect.objectContaining({ service: 'backup', level: 20, message: 'halfway there' }),
    });
    expect((await json(await t.call('GET', '/heartbeat/backup'))).body.heartBeat).toEqual(before);
  });

  it('records the first signal of a new service, so it is watched from then on', async () => {
    await job({ maxRuntime: 60 });
    await signal('backup', 'start');
    t.clock.advance(61);
    expect(await sweep()).toEqual(['backup']);
  });

  it('pages through the runs, newest first', async () => {
    await job();
    for (let i = 0; i < 5; i += 1) {
      await signal('backup', 'start');
      t.clock.advance(1);
      await pulse({ service: 'backup', message: `run ${i}` });
    }
    const first = await runs('backup', '?limit=2');
    expect(first.runs.map((run: { message: string }) => run.message)).toEqual(['run 4', 'run 3']);
    const second = await runs('backup', `?limit=2&before=${first.next}`);
    expect(second.runs.map((run: { message: string }) => run.message)).toEqual(['run 2', 'run 1']);
    const bad = await json(await t.call('GET', '/heartbeat/backup/runs?before=nonsense'));
    expect(bad.status).toBe(400);
    expect(bad.body.hint).toMatch(/before must be the cursor/);
  });

  it('refuses bad signal bodies with a hint, and stores nothing', async () => {
    await job();
    const cases: Array<[string, unknown, RegExp]> = [
      ['fail', { exitCode: 256 }, /exitCode/],
      ['fail', { exitCode: 'x' }, /exitCode/],
      ['start', { rid: 'r'.repeat(101) }, /rid/],
      ['log', {}, /message is required/],
      ['log', { message: 'x'.repeat(10_001) }, /message must be at most 10000 characters/],
    ];
    for (const [what, body, hint] of cases) {
      const response = await signal('backup', what, body);
      expect({ what, body, status: response.status }).toEqual({ what, body, status: 400 });
      expect(response.body.hint).toMatch(hint);
    }
    expect((await runs('backup')).runs).toEqual([]);
    expect(await t.count('events')).toBe(0);
  });
});
