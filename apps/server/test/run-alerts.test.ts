import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { Heartbeat } from '@watchtower/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  cleanUpServers,
  createTestDatabase,
  type FakeProviders,
  type ServerProcess,
  startFakeProviders,
  startServer,
  temporaryFolder,
} from '@watchtower/test-support';
import { DATABASE_KINDS, type DatabaseKind } from './support/databases.js';

// The built server as users run it, with alerts to a local fake: each timing below is
// measured from the moment the failure, the hang or the missed run is due.

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, Math.max(0, ms)));

let fake: FakeProviders;
const dropDatabases: Array<() => Promise<void>> = [];

beforeAll(async () => {
  fake = await startFakeProviders();
});

afterEach(async () => {
  await cleanUpServers();
  for (const drop of dropDatabases.splice(0)) await drop();
});

afterAll(async () => {
  await fake?.close();
});

async function startWatchtower(kind: DatabaseKind): Promise<ServerProcess> {
  const database = kind === 'postgres' ? await createTestDatabase() : undefined;
  if (database) dropDatabases.push(database.drop);
  return startServer({
    env: {
      WATCHTOWER_DATA_DIR: temporaryFolder('watchtower-data-'),
      DATABASE_URL: database?.url,
      WATCHTOWER_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
      WATCHTOWER_ALLOW_PRIVATE_TARGETS: '1',
    },
  });
}

/** Creates a service alerting a webhook of its own at the fake; answers its ping URL. */
async function configure(server: ServerProcess, settings: Record<string, unknown>): Promise<{ service: string; pingUrl: string }> {
  const service = `job-${randomBytes(4).toString('hex')}`;
  const response = await call(server, 'PUT', `/heartbeat/${service}`, {
    alertType: 'webhook',
    alertTarget: `${fake.url}/hooks/${service}`,
    ...settings,
  });
  const body = (await response.json()) as { heartBeat: Heartbeat };
  expect(response.status).toBe(200);
  return { service, pingUrl: body.heartBeat.pingUrl! };
}

/** Waits for the service's alert of `type` at the fake; answers when it arrived. */
async function arrival(service: string, type: string, ms: number): Promise<number> {
  const matching = () => fake.requestsTo(`/hooks/${service}`).filter((request) => (request.body as { type?: string }).type === type);
  await fake.waitFor(`a ${type} alert for ${service}`, () => matching().length > 0, ms);
  return matching()[0]!.at;
}

const sh = (script: string, env: Record<string, string>) => run('sh', ['-c', script], { env: { ...process.env, ...env }, timeout: 30_000 });

describe.each(DATABASE_KINDS)('jobs of a real server on %s', (kind) => {
  it("works with Healthchecks' curl and wget one-liners", async () => {
    const server = await startWatchtower(kind);
    const { service, pingUrl } = await configure(server, { period: '1d', grace: '1h' });
    const env = { URL: pingUrl };
    expect((await sh('curl -fsS -m 10 --retry 5 -o /dev/null "$URL" && echo sent', env)).stdout).toBe('sent\n');
    expect((await sh('curl -fsS -m 10 --retry 5 "$URL/start"', env)).stdout).toBe('OK');
    // A job's exit status and its output go with the ping, as Healthchecks' docs show.
    await sh(
      'out=$(sh -c "echo working; echo no space left >&2; exit 4" 2>&1); curl -fsS -m 10 --retry 5 --data-raw "$out" "$URL/$?"',
      env,
    );
    expect((await sh('wget -q -O - "$URL/log" --post-data="retrying"', env)).stdout).toBe('OK');
    const runs = (await (await call(server, 'GET', `/heartbeat/${service}/runs`)).json()) as { runs: Array<Record<string, unknown>> };
    expect(runs.runs[0]).toMatchObject({ outcome: 'fail', exitCode: 4, message: 'working\nno space left' });
    const refused = await sh('curl -fsS -m 10 "$URL-not-mine"; echo " exit=$?"', env).catch((error: { stdout: string }) => error);
    expect(refused.stdout).toMatch(/exit=22/);
  }, 60_000);

  it('alerts a failed job within 1 s of its end', async () => {
    const server = await startWatchtower(kind);
    const { service, pingUrl } = await configure(server, { period: '1d' });
    await fetch(`${pingUrl}/start`);
    const ended = Date.now();
    expect((await fetch(`${pingUrl}/2`, { method: 'POST', body: 'tar: archive truncated' })).status).toBe(200);
    const arrived = await arrival(service, 'heartbeat.failed', 5_000);
    console.log(`failed job on ${kind}: alert arrived ${arrived - ended} ms after the job ended`);
    expect(arrived - ended).toBeLessThan(1_000);
  }, 60_000);

  it('alerts a job that hangs past its maxRuntime within 1 s of that time', async () => {
    const server = await startWatchtower(kind);
    const { service, pingUrl } = await configure(server, { period: '1d', maxRuntime: 2 });
    const started = Date.now();
    expect((await fetch(`${pingUrl}/start`)).status).toBe(200);
    const arrived = await arrival(service, 'heartbeat.down', 8_000);
    const late = arrived - (started + 2_000);
    console.log(`hung job on ${kind}: alert arrived ${late} ms after its maxRuntime ran out`);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1_000);
    await sleep(200);
  }, 60_000);
});

describe.each(DATABASE_KINDS)('notices of a real server on %s', (kind) => {
  it('sends a running-late notice and a reminder, each within 1 s of its time', async () => {
    const server = await startWatchtower(kind);
    const late = await configure(server, { period: 4, warnBefore: 2 });
    const dead = await configure(server, { period: 1, remindEvery: 2 });
    const pulsedAt = Date.now();
    await Promise.all([fetch(late.pingUrl), fetch(dead.pingUrl)]);
    const [lateAt, downAt] = await Promise.all([
      arrival(late.service, 'heartbeat.late', 8_000),
      arrival(dead.service, 'heartbeat.down', 8_000),
    ]);
    const reminderAt = await arrival(dead.service, 'heartbeat.reminder', 8_000);
    // The late notice is due 2 s after the pulse. The reminder is due 2 s after the death,
    // which came at the deadline (`expected`), and before its alert arrived.
    const down = fake
      .requestsTo(`/hooks/${dead.service}`)
      .find((request) => (request.body as { type?: string }).type === 'heartbeat.down')!;
    const diedBy = (down.body as { expected: number }).expected * 1000;
    console.log(
      `notices on ${kind}: late ${lateAt - (pulsedAt + 2_000)} ms after its time, reminder ${reminderAt - (diedBy + 2_000)} ms after the deadline + 2 s`,
    );
    expect(lateAt).toBeGreaterThanOrEqual(pulsedAt + 2_000);
    expect(lateAt - (pulsedAt + 2_000)).toBeLessThan(1_000);
    expect(reminderAt).toBeGreaterThanOrEqual(diedBy + 2_000);
    expect(reminderAt - (downAt + 2_000)).toBeLessThan(1_000);
  }, 60_000);

  it('sends a running-late notice on time when no other deadline wakes the sweeper before it', async () => {
    // The sweeper sleeps until the earliest time it was told: a pulse must tell it the
    // notice's time, not only the deadline (PGlite's safety poll is 30 s).
    const server = await startWatchtower(kind);
    const late = await configure(server, { period: 5, warnBefore: 3 });
    const pulsedAt = Date.now();
    await fetch(late.pingUrl);
    const lateAt = await arrival(late.service, 'heartbeat.late', 8_000);
    console.log(`a lone late notice on ${kind}: ${lateAt - (pulsedAt + 2_000)} ms after its time`);
    expect(lateAt).toBeGreaterThanOrEqual(pulsedAt + 2_000);
    expect(lateAt - (pulsedAt + 2_000)).toBeLessThan(1_000);
  }, 60_000);
});

describe('a cron job that misses its run', () => {
  it('is alerted within 1 s of run + grace, on both databases', async () => {
    // Both at once: the next minute comes for both, so the test waits for it only once.
    const servers = await Promise.all(DATABASE_KINDS.map((kind) => startWatchtower(kind)));
    const jobs = await Promise.all(servers.map((server) => configure(server, { cron: '* * * * *', tz: 'Europe/Paris', grace: 1 })));
    await Promise.all(jobs.map(({ pingUrl }) => fetch(pingUrl)));
    const heartbeats = await Promise.all(
      servers.map(
        async (server, i) =>
          ((await (await call(server, 'GET', `/heartbeat/${jobs[i]!.service}`)).json()) as { heartBeat: Heartbeat }).heartBeat,
      ),
    );
    const due = heartbeats[0]!.expected * 1000;
    expect(due % 60_000).toBe(1_000);
    const arrivals = await Promise.all(jobs.map(({ service }) => arrival(service, 'heartbeat.down', 75_000)));
    for (const [i, arrived] of arrivals.entries()) {
      console.log(`missed cron run on ${DATABASE_KINDS[i]}: alert arrived ${arrived - due} ms after run + grace`);
      expect(arrived - due).toBeGreaterThanOrEqual(0);
      expect(arrived - due).toBeLessThan(1_000);
    }
  }, 120_000);
});
