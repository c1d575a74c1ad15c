import { startTcpProxy, type TcpProxy } from '@watchtower/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchtowerClient } from '../src/index.js';
import { api, cleanUpServers, PASSWORD, startServer, type ServerProcess } from './support/server.js';

let server: ServerProcess;
let client: WatchtowerClient;

beforeAll(async () => {
  server = await startServer();
  client = new WatchtowerClient({ url: server.url, password: PASSWORD, retries: 0 });
});

afterAll(async () => {
  await cleanUpServers();
});

const stored = async (service: string) => (await api(server.url, `/heartbeat/${encodeURIComponent(service)}`)).body.heartBeat;

describe('configured services', () => {
  it('creates a service with a cron schedule in a time zone, which is new until its first signal', async () => {
    const beat = await client.putService('sdk-cron', {
      cron: '15 3 * * 1-5',
      tz: 'Europe/Paris',
      grace: '30m',
      maxRuntime: 7_200,
      alertType: 'log',
      alertTarget: 'ops',
      description: 'the nightly dump',
      tags: ['db', 'nightly'],
    });
    expect(beat).toMatchObject({
      service: 'sdk-cron',
      status: 'new',
      schedule: { kind: 'cron', cron: '15 3 * * 1-5', tz: 'Europe/Paris' },
      grace: 1_800,
      maxRuntime: 7_200,
      alertType: 'log',
      alertTarget: 'ops',
      description: 'the nightly dump',
      tags: ['db', 'nightly'],
    });
    expect(await stored('sdk-cron')).toMatchObject({ status: 'new', grace: 1_800 });
  });

  it('changes only the settings named, and clears one with null', async () => {
    await client.putService('sdk-patch', { period: '1d', maxRuntime: '1h', description: 'kept', alertType: 'log', alertTarget: 'ops' });
    const beat = await client.patchService('sdk-patch', { grace: '10m', maxRuntime: null });
    expect(beat).toMatchObject({ schedule: { kind: 'period', period: 86_400 }, grace: 600, maxRuntime: null, description: 'kept' });
    expect(await stored('sdk-patch')).toMatchObject({ grace: 600, maxRuntime: null });
  });

  it("surfaces the server's hint for bad settings, and stores nothing", async () => {
    const error = await client.putService('sdk-bad', { cron: '61 * * * *' }).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', hint: expect.stringMatching(/cron/) });
    expect((await api(server.url, '/heartbeat/sdk-bad')).status).toBe(404);
  });

  it('deletes a service with its runs and events, and answers it as it was', async () => {
    await client.putService('sdk-delete', { period: 3_600 });
    await client.startRun('sdk-delete');
    await client.logMessage('sdk-delete', 'about to go');
    const beat = await client.deleteService('sdk-delete');
    expect(beat).toMatchObject({ service: 'sdk-delete', status: 'started' });
    expect((await api(server.url, '/heartbeat/sdk-delete')).status).toBe(404);
    expect((await api(server.url, '/events?service=sdk-delete')).body.events).toEqual([]);
    await expect(client.deleteService('sdk-delete')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('pauses a service and resumes it', async () => {
    await client.pulse({ service: 'sdk-pause', nextIn: 60, alertType: 'log', alertTarget: 'ops' });
    expect(await client.pauseService('sdk-pause')).toMatchObject({ status: 'paused' });
    expect((await stored('sdk-pause')).status).toBe('paused');
    expect((await client.resumeService('sdk-pause')).status).not.toBe('paused');
    expect((await stored('sdk-pause')).status).not.toBe('paused');
  });
});

describe('runs', () => {
  it('records a run from its start to the pulse that ends it, with its duration and message', async () => {
    await client.putService('sdk-run', { period: '1d', alertType: 'log', alertTarget: 'ops' });
    expect(await client.startRun('sdk-run', { rid: 'run-1' })).toMatchObject({ status: 'started' });
    await new Promise((wait) => setTimeout(wait, 50));
    expect(await client.pulse({ service: 'sdk-run', message: 'dumped 3 GB' })).toMatchObject({ status: 'alive', nextIn: 86_400 });
    const page = await client.listRuns('sdk-run');
    expect(page.next).toBeNull();
    expect(page.runs).toEqual([
      {
        id: expect.any(Number),
        rid: 'run-1',
        started: expect.any(Number),
        ended: expect.any(Number),
        duration: expect.any(Number),
        outcome: 'success',
        exitCode: null,
        message: 'dumped 3 GB',
      },
    ]);
    expect(page.runs[0]?.duration).toBeGreaterThan(0);
  });

  it('records a failed run with its exit code and message, and the service is dead at once', async () => {
    await client.putService('sdk-fail', { period: '1d', alertType: 'log', alertTarget: 'ops' });
    await client.startRun('sdk-fail', { rid: 'r-9' });
    const beat = await client.failRun('sdk-fail', { rid: 'r-9', exitCode: 3, message: 'pg_dump: connection refused' });
    expect(beat).toMatchObject({ status: 'dead', alerted: true });
    const { runs } = await client.listRuns('sdk-fail');
    expect(runs).toMatchObject([{ rid: 'r-9', outcome: 'fail', exitCode: 3, message: 'pg_dump: connection refused' }]);
  });

  it('pages through the runs, newest first', async () => {
    await client.putService('sdk-pages', { period: '1h' });
    for (let index = 0; index < 3; index++) {
      await client.startRun('sdk-pages', { rid: `r${index}` });
      await client.pulse({ service: 'sdk-pages' });
    }
    const first = await client.listRuns('sdk-pages', { limit: 2 });
    expect(first.runs.map((run) => run.rid)).toEqual(['r2', 'r1']);
    expect(first.next).toEqual(expect.any(String));
    const second = await client.listRuns('sdk-pages', { limit: 2, before: first.next ?? undefined });
    expect(second).toMatchObject({ runs: [{ rid: 'r0' }], next: null });
  });

  it('logs a message as an event of the service, changing nothing else', async () => {
    await client.putService('sdk-log', { period: '1d' });
    const event = await client.logMessage('sdk-log', 'rotated 3 files');
    expect(event).toMatchObject({ service: 'sdk-log', message: 'rotated 3 files', level: 20 });
    expect((await api(server.url, '/events?service=sdk-log')).body.events).toEqual([event]);
    expect((await stored('sdk-log')).status).toBe('new');
  });

  it('answers 404 to each signal for a service the server does not know', async () => {
    await expect(client.startRun('sdk-nobody')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await expect(client.failRun('sdk-nobody', { exitCode: 1 })).rejects.toMatchObject({ status: 404 });
    await expect(client.logMessage('sdk-nobody', 'hello')).rejects.toMatchObject({ status: 404 });
    await expect(client.listRuns('sdk-nobody')).rejects.toMatchObject({ status: 404 });
    await expect(client.pauseService('sdk-nobody')).rejects.toMatchObject({ status: 404 });
    await expect(client.patchService('sdk-nobody', { grace: 60 })).rejects.toMatchObject({ status: 404 });
  });
});

describe('pulses of known services', () => {
  it('keeps the stored schedule and channel when a pulse leaves them out', async () => {
    await client.putService('sdk-keep', { nextIn: '2h', alertType: 'log', alertTarget: 'night-shift' });
    const beat = await client.pulse({ service: 'sdk-keep', message: 'all good' });
    expect(beat).toMatchObject({ status: 'alive', nextIn: 7_200, alertType: 'log', alertTarget: 'night-shift' });
  });

  it('refuses a pulse without nextIn or channel for a service the server does not know, naming what is missing', async () => {
    const error = await client.pulse({ service: 'sdk-unknown-pulse' }).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', hint: expect.stringMatching(/nextIn/) });
  });
});

describe('aborting a call to a server that does not answer', () => {
  let proxy: TcpProxy;

  beforeAll(async () => {
    proxy = await startTcpProxy({ targetPort: server.port });
  });

  afterAll(async () => {
    await proxy.close();
  });

  it('rejects with an AbortError and sends nothing more', async () => {
    await proxy.cut('black-hole');
    let attempts = 0;
    const silent = new WatchtowerClient({
      url: `http://127.0.0.1:${proxy.port}`,
      password: PASSWORD,
      retries: 5,
      retryDelayMs: 1,
      fetch: (input, init) => {
        attempts++;
        return fetch(input, init);
      },
    });
    const controller = new AbortController();
    const call = silent.startRun('sdk-abort', {}, { signal: controller.signal });
    await new Promise((wait) => setTimeout(wait, 200));
    expect(proxy.stats.blackHoled).toBeGreaterThan(0);
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    // Time enough for several retries (1 ms apart) if the abort did not stop them.
    await new Promise((wait) => setTimeout(wait, 300));
    expect(attempts).toBe(1);
  });
});
