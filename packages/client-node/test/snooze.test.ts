import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchtowerClient } from '../src/index.js';
import { runWatchtower } from './support/cli.js';
import { api, cleanUpServers, PASSWORD, startServer, type ServerProcess } from './support/server.js';

// A server of its own: snoozing every service must not touch the services of other suites.
let server: ServerProcess;
let client: WatchtowerClient;

beforeAll(async () => {
  server = await startServer();
  client = new WatchtowerClient({ url: server.url, password: PASSWORD, retries: 0 });
});

afterAll(async () => {
  await cleanUpServers();
});

const watchtower = (args: string[]) => runWatchtower(server.url, args);
const stored = async (service: string) => (await api(server.url, `/heartbeat/${encodeURIComponent(service)}`)).body.heartBeat;
const now = () => Date.now() / 1000;
const create = (service: string, tags: string[] = []) =>
  client.putService(service, { period: '1d', alertType: 'log', alertTarget: 'ops', tags });

describe('snoozes from the SDK', () => {
  it('snoozes a service for a while, which its heartbeat on the server shows', async () => {
    await create('sdk-for');
    const before = now();
    const beat = await client.snoozeService('sdk-for', { for: '2h' });
    expect(beat.snoozedUntil).toBeGreaterThanOrEqual(Math.floor(before) + 7_200);
    expect(beat.snoozedUntil).toBeLessThanOrEqual(now() + 7_200);
    expect((await stored('sdk-for')).snoozedUntil).toBe(beat.snoozedUntil);
  });

  it('snoozes until a Date, Unix seconds or an ISO-8601 text', async () => {
    await create('sdk-until');
    const end = new Date(Math.ceil(now() / 60) * 60_000 + 86_400_000);
    expect((await client.snoozeService('sdk-until', { until: end })).snoozedUntil).toBe(end.getTime() / 1000);
    expect((await client.snoozeService('sdk-until', { until: end.getTime() / 1000 + 60 })).snoozedUntil).toBe(end.getTime() / 1000 + 60);
    expect((await client.snoozeService('sdk-until', { until: end.toISOString() })).snoozedUntil).toBe(end.getTime() / 1000);
    expect((await stored('sdk-until')).snoozedUntil).toBe(end.getTime() / 1000);
  });

  it('ends a snooze', async () => {
    await create('sdk-unsnooze');
    await client.snoozeService('sdk-unsnooze', { for: 3_600 });
    expect((await client.unsnoozeService('sdk-unsnooze')).snoozedUntil).toBeNull();
    expect((await stored('sdk-unsnooze')).snoozedUntil).toBeNull();
  });

  it('snoozes the services of a tag and no other, answering their names and the end', async () => {
    await create('sdk-tag-a', ['sdk-edge']);
    await create('sdk-tag-b', ['sdk-edge', 'web']);
    await create('sdk-tag-other', ['web']);
    const snoozed = await client.snoozeMany({ tag: 'sdk-edge', for: '30m' });
    expect(snoozed).toEqual({ services: ['sdk-tag-a', 'sdk-tag-b'], snoozedUntil: expect.any(Number) });
    expect((await stored('sdk-tag-a')).snoozedUntil).toBe(snoozed.snoozedUntil);
    expect((await stored('sdk-tag-b')).snoozedUntil).toBe(snoozed.snoozedUntil);
    expect((await stored('sdk-tag-other')).snoozedUntil).toBeNull();
  });

  it("surfaces the server's hint for a snooze without an end, with both, or in the past, and a 404 for an unknown service", async () => {
    await create('sdk-bad');
    await expect(client.snoozeService('sdk-bad', {})).rejects.toMatchObject({
      status: 400,
      hint: expect.stringMatching(/give one of until .* or for/),
    });
    await expect(client.snoozeService('sdk-bad', { for: '1h', until: now() + 60 })).rejects.toMatchObject({ status: 400 });
    await expect(client.snoozeService('sdk-bad', { until: '2020-01-01T00:00:00Z' })).rejects.toMatchObject({
      status: 400,
      hint: expect.stringMatching(/until must be in the future/),
    });
    await expect(client.snoozeMany({ tag: 'sdk-edge', for: 'soon' })).rejects.toMatchObject({
      status: 400,
      hint: expect.stringMatching(/for/),
    });
    await expect(client.snoozeService('sdk-nobody', { for: 60 })).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await expect(client.unsnoozeService('sdk-nobody')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await stored('sdk-bad')).snoozedUntil).toBeNull();
  });

  it('sends nothing once its signal has aborted', async () => {
    await create('sdk-abort');
    const call = client.snoozeService('sdk-abort', { for: '1h' }, { signal: AbortSignal.abort() });
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    await expect(client.snoozeMany({ for: '1h' }, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect((await stored('sdk-abort')).snoozedUntil).toBeNull();
  });
});

describe('watchtower snooze and unsnooze', () => {
  it('snoozes a service --for a while, saying until when in local time', async () => {
    await create('cli-for');
    const result = await watchtower(['snooze', 'cli-for', '--for', '2h']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(
      /^snoozed cli-for until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(in (2 h|1 h 59 min)\): no alert until then, or until watchtower unsnooze cli-for\n$/,
    );
    expect((await stored('cli-for')).snoozedUntil).toBeCloseTo(now() + 7_200, -1);
  });

  it('snoozes a service --until a date, which the server stores exactly', async () => {
    await create('cli-until');
    // 30 s over a day, so that the time the command takes is not seen.
    const end = new Date(Math.ceil(now()) * 1000 + 86_430_000);
    const result = await watchtower(['snooze', 'cli-until', '--until', end.toISOString()]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/ \(in 1 d\): /);
    expect((await stored('cli-until')).snoozedUntil).toBe(end.getTime() / 1000);
  });

  it('snoozes the services of a tag and no other, naming them', async () => {
    await create('cli-tag-a', ['cli-edge']);
    await create('cli-tag-b', ['cli-edge']);
    await create('cli-tag-other');
    const result = await watchtower(['snooze', '--tag', 'cli-edge', '--for', '2h']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(
      /^snoozed the services of tag cli-edge \(2 services\) until .* \(in (2 h|1 h 59 min)\): cli-tag-a, cli-tag-b\n$/,
    );
    expect((await stored('cli-tag-a')).snoozedUntil).toEqual(expect.any(Number));
    expect((await stored('cli-tag-b')).snoozedUntil).toEqual(expect.any(Number));
    expect((await stored('cli-tag-other')).snoozedUntil).toBeNull();
  });

  it('refuses to snooze without a service, --tag or --all, naming the three, and snoozes nothing', async () => {
    await create('cli-forgotten');
    const result = await watchtower(['snooze', '--for', '2h']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'watchtower snooze: say what to snooze: a <service>, --tag TAG for the services of a tag, or --all for every service; see watchtower snooze --help\n',
    });
    expect((await stored('cli-forgotten')).snoozedUntil).toBeNull();
  });

  it.each([
    [['cli-x', '--tag', 'edge'], '<service> and --tag name different services: give one'],
    [['cli-x', '--all'], '<service> and --all name different services: give one'],
    [['cli-x'], 'say how long: --for 2h or --until 2026-12-24T18:00:00Z'],
    [['cli-x', '--for', '1h', '--until', '2099-01-01'], '--for and --until both say when the snooze ends: give one'],
    [
      ['cli-x', '--until', 'tomorrow'],
      '--until must be a date such as 2026-12-24T18:00:00Z, 2026-12-24 18:00 (local time) or Unix seconds; received "tomorrow"',
    ],
    [['cli-x', '--until', '2020-01-01T00:00:00Z'], '--until must be ahead; received '],
    [['cli-x', '--for', 'soon'], '--for must be'],
  ])('refuses snooze %j with a usage error', async (args, message) => {
    const result = await watchtower(['snooze', ...args]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain(`watchtower snooze: ${message}`);
  });

  it('ends a snooze, saying the service is alerted again', async () => {
    await create('cli-unsnooze');
    await client.snoozeService('cli-unsnooze', { for: '1h' });
    const result = await watchtower(['unsnooze', 'cli-unsnooze']);
    expect(result).toEqual({ code: 0, stdout: 'unsnoozed cli-unsnooze: its alerts are sent again; it is new\n', stderr: '' });
    expect((await stored('cli-unsnooze')).snoozedUntil).toBeNull();
  });

  it('prints nothing with -q and still snoozes; says in one line that a service is unknown', async () => {
    await create('cli-quiet');
    expect(await watchtower(['-q', 'snooze', 'cli-quiet', '--for', '1h'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await stored('cli-quiet')).snoozedUntil).toEqual(expect.any(Number));
    expect(await watchtower(['-q', 'unsnooze', 'cli-quiet'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await stored('cli-quiet')).snoozedUntil).toBeNull();
    const unknown = await watchtower(['-q', 'snooze', 'cli-nobody', '--for', '1h']);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toMatch(/^watchtower snooze: the server refused it \(404 NOT_FOUND\): .*cli-nobody.*\n$/);
  });

  it('exits 1 when no service has the tag, saying nothing was snoozed', async () => {
    const result = await watchtower(['-q', 'snooze', '--tag', 'cli-no-such-tag', '--for', '1h']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'watchtower snooze: no service has the tag cli-no-such-tag: nothing snoozed (watchtower list shows the services)\n',
    });
  });

  it('lists when the snooze of a snoozed service ends', async () => {
    await create('cli-listed');
    await client.snoozeService('cli-listed', { for: 3 * 3_600 + 30 });
    await client.unsnoozeService('cli-forgotten');
    const lines = (await watchtower(['list'])).stdout.split('\n');
    expect(lines[0]).toMatch(/^SERVICE +STATUS +LAST PULSE +DEADLINE +SNOOZE ENDS +ALERT$/);
    const column = lines[0]!.indexOf('SNOOZE ENDS');
    expect(lines.find((line) => line.startsWith('cli-listed '))?.slice(column)).toMatch(/^in 3 h +log:ops$/);
    expect(lines.find((line) => line.startsWith('cli-forgotten '))?.slice(column)).toMatch(/^- +log:ops$/);
  });

  // Last: it snoozes every service of this suite's server.
  it('snoozes every service with --all, answering them as JSON', async () => {
    const known = (await api(server.url, '/heartbeats')).body.heartBeats.map((beat: { service: string }) => beat.service).sort();
    const result = await watchtower(['--json', 'snooze', '--all', '--for', '10m']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const answer = JSON.parse(result.stdout);
    expect(answer).toEqual({ services: known, snoozedUntil: expect.any(Number) });
    expect(known.length).toBeGreaterThan(5);
    expect((await stored('cli-tag-other')).snoozedUntil).toBe(answer.snoozedUntil);
  });
});

describe('the lifecycle options of service put and run', () => {
  it('reach the settings of the service, and service put names them', async () => {
    await create('cli-db');
    await create('cli-network');
    const result = await watchtower([
      'service',
      'put',
      'cli-api',
      '--period',
      '1h',
      '--alert',
      'log:ops',
      '--warn-before',
      '10m',
      '--remind-every',
      '1h',
      '--depends-on',
      'cli-db',
      '--depends-on',
      'cli-network',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.split('\n')[1]).toBe(
      'late notice 10 min before each deadline; reminders every 1 h while dead; depends on cli-db, cli-network',
    );
    expect(await stored('cli-api')).toMatchObject({ warnBefore: 600, remindEvery: 3_600, dependsOn: ['cli-db', 'cli-network'] });
  });

  it('are changed by run on a known service, the other settings kept', async () => {
    await client.putService('cli-job', { period: '1d', grace: '5m', alertType: 'log', alertTarget: 'ops', tags: ['kept'] });
    const job = ['--', process.execPath, '-e', ''];
    const result = await watchtower(['run', 'cli-job', '--warn-before', '2m', '--remind-every', '30m', '--depends-on', 'cli-db', ...job]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(await stored('cli-job')).toMatchObject({
      warnBefore: 120,
      remindEvery: 1_800,
      dependsOn: ['cli-db'],
      grace: 300,
      tags: ['kept'],
      status: 'alive',
    });
  });

  it('says in one line that the server refuses a parent it does not know', async () => {
    const result = await watchtower(['service', 'put', 'cli-orphan', '--period', '1h', '--depends-on', 'cli-ghost']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^watchtower service put: the server refused it \(\d+ [A-Z_]+\): .*cli-ghost.*\n$/);
  });
});
