import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchtowerClient } from '../src/index.js';
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
