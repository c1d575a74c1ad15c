import type { AlertDelivery } from '@watchtower/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cleanUpServers,
  createTestDatabase,
  type CutMode,
  type Exit,
  PASSWORD,
  type ServerProcess,
  startServer,
  startTcpProxy,
  type TcpProxy,
} from '@watchtower/test-support';

// The built server talks to PostgreSQL through a proxy that the test cuts for 10 s while
// clients keep pulsing, as real ones do: every second, again every 500 ms after a failure.
// A database outage is the server's downtime, not the services': no steady service may be
// alerted, and the one that really stopped must be alerted once.

const STEADY_SERVICES = 20;
const PULSE_EVERY_MS = 1_000;
const STEADY_NEXT_IN = 3;
const RETRY_AFTER_FAILURE_MS = 500;
const STOPPED_NEXT_IN = 4;
const WARM_UP_MS = 5_000;
const OUTAGE_MS = 10_000;
/** A client gives up on a request after this long; an answer must come well before. */
const CLIENT_TIMEOUT_MS = 15_000;
const LONGEST_ANSWER_MS = 10_000;
const RECOVERY_LIMIT_MS = 15_000;
/** How long the steady services keep pulsing after the recovery: a few of their nextIn periods. */
const AFTER_RECOVERY_MS = 4 * STEADY_NEXT_IN * 1_000;

const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, Math.max(0, ms)));

/** One request of a client, as the client saw it. */
interface Attempt {
  route: 'pulse' | 'event' | 'healthz';
  started: number;
  ended: number;
  /** The HTTP status, `network` when the connection failed, `timeout` when the client gave up. */
  status: number | 'network' | 'timeout';
  retryAfter: string | null;
}

interface Clients {
  attempts: Attempt[];
  stop(): Promise<void>;
}

async function request(server: ServerProcess, route: Attempt['route'], body?: unknown): Promise<Attempt> {
  const path = { pulse: '/heartbeat', event: '/event', healthz: '/healthz' }[route];
  const started = Date.now();
  try {
    const response = await fetch(`${server.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { password: PASSWORD, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return { route, started, ended: Date.now(), status: response.status, retryAfter: response.headers.get('retry-after') };
  } catch (error) {
    const status = (error as Error).name === 'TimeoutError' ? 'timeout' : 'network';
    return { route, started, ended: Date.now(), status, retryAfter: null };
  }
}

const pulseBody = (service: string, nextIn: number) => ({ service, alertType: 'log', alertTarget: 'ops', nextIn });

/**
 * The steady services, one loop each, an event writer alike, and a health probe every
 * 500 ms that does not wait for the previous one.
 */
function startClients(server: ServerProcess): Clients {
  const attempts: Attempt[] = [];
  let stopped = false;
  const keepWriting = async (firstAfterMs: number, write: () => Promise<Attempt>) => {
    await sleep(firstAfterMs);
    while (!stopped) {
      const attempt = await write();
      attempts.push(attempt);
      await sleep(attempt.status === 200 ? attempt.started + PULSE_EVERY_MS - Date.now() : RETRY_AFTER_FAILURE_MS);
    }
  };
  let eventSerial = 0;
  const writers = [
    ...Array.from({ length: STEADY_SERVICES }, (_, i) =>
      keepWriting((i * PULSE_EVERY_MS) / STEADY_SERVICES, () => request(server, 'pulse', pulseBody(`steady-${i}`, STEADY_NEXT_IN))),
    ),
    keepWriting(0, () => request(server, 'event', { service: 'outage-log', level: 'info', message: `event ${++eventSerial}` })),
  ];
  const probes: Array<Promise<void>> = [];
  const probeTimer = setInterval(() => {
    probes.push(request(server, 'healthz').then((attempt) => void attempts.push(attempt)));
  }, 500);
  return {
    attempts,
    stop: async () => {
      stopped = true;
      clearInterval(probeTimer);
      await Promise.all([...writers, ...probes]);
    },
  };
}

async function listDownAlerts(server: ServerProcess): Promise<AlertDelivery[]> {
  const response = await fetch(`${server.url}/alerts?limit=500`, {
    headers: { password: PASSWORD },
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { alerts: AlertDelivery[] };
  if (response.status !== 200) throw new Error(`GET /alerts answered ${response.status}: ${JSON.stringify(body)}`);
  return body.alerts.filter((alert) => alert.kind === 'down');
}

/** Polls until the server has queued the stopped service's "down" alert, or `ms` passed. */
async function waitForStoppedAlert(server: ServerProcess, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const alerts = await listDownAlerts(server).catch(() => []);
    if (alerts.some((alert) => alert.service === 'stopped')) return;
    await sleep(500);
  }
}

/**
 * When the server answered a pulse 200 again: probes every 250 ms from `restoredAt`, none
 * waiting for the one before, so that a client stuck on a hung request does not delay it.
 */
async function waitForRecovery(server: ServerProcess, restoredAt: number): Promise<number | undefined> {
  const probes: Array<Promise<Attempt>> = [];
  let recoveredAt: number | undefined;
  while (recoveredAt === undefined && Date.now() - restoredAt < RECOVERY_LIMIT_MS + CLIENT_TIMEOUT_MS) {
    const probe = request(server, 'pulse', pulseBody('recovery-probe', 3600));
    probes.push(probe);
    void probe.then((attempt) => {
      if (attempt.status === 200) recoveredAt = Math.min(recoveredAt ?? attempt.ended, attempt.ended);
    });
    await sleep(250);
  }
  await Promise.all(probes);
  return recoveredAt;
}

/** What went wrong with an answer given during the outage; undefined when it is as specified. */
function outageProblem(attempt: Attempt, restoredAt: number): string | undefined {
  if (attempt.status === 200 && attempt.ended >= restoredAt) return undefined;
  if (attempt.status === 503) return attempt.retryAfter === null ? '503 without Retry-After' : undefined;
  return typeof attempt.status === 'number' ? `${attempt.status}` : `no answer (${attempt.status})`;
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** Figures over the attempts started while the proxy was cut. */
function summariseOutage(attempts: Attempt[], route: 'write' | 'healthz', cutAt: number, restoredAt: number) {
  const during = attempts.filter(
    (a) => (route === 'healthz' ? a.route === 'healthz' : a.route !== 'healthz') && a.started >= cutAt && a.started < restoredAt,
  );
  const problems = during.flatMap((a) => outageProblem(a, restoredAt) ?? []);
  return {
    count: during.length,
    answered503WithRetryAfter: during.filter((a) => a.status === 503 && a.retryAfter !== null && a.ended < restoredAt).length,
    answeredAfterRestore: during.filter((a) => a.ended >= restoredAt).length,
    maxLatencyMs: Math.max(0, ...during.map((a) => a.ended - a.started)),
    problems: countBy(problems),
  };
}

describe.each(['refuse', 'black-hole'] as const)('a 10 s database outage (%s)', (mode: CutMode) => {
  let proxy: TcpProxy | undefined;
  let database: { url: string; drop: () => Promise<void> } | undefined;

  afterEach(async () => {
    await cleanUpServers();
    await proxy?.close();
    await database?.drop();
  });

  it('answers 503 with Retry-After, recovers by itself and raises no false alert', async () => {
    proxy = await startTcpProxy();
    database = await createTestDatabase();
    const server = await startServer({ env: { DATABASE_URL: proxy.proxiedUrl(database.url) } });
    let exit: (Exit & { at: number }) | undefined;
    void server.exited.then((ended) => (exit = { ...ended, at: Date.now() }));

    const clients = startClients(server);
    await sleep(WARM_UP_MS);
    const stoppedPulse = await request(server, 'pulse', pulseBody('stopped', STOPPED_NEXT_IN));
    expect(stoppedPulse.status).toBe(200);

    const cutAt = Date.now();
    await proxy.cut(mode);
    await sleep(OUTAGE_MS);
    await proxy.restore();
    const restoredAt = Date.now();

    const recoveredAt = await waitForRecovery(server, restoredAt);
    await sleep(AFTER_RECOVERY_MS);
    await clients.stop();
    if (!exit) await waitForStoppedAlert(server, 20_000);
    const downAlerts = exit ? [] : await listDownAlerts(server);

    const writes = summariseOutage(clients.attempts, 'write', cutAt, restoredAt);
    const health = summariseOutage(clients.attempts, 'healthz', cutAt, restoredAt);
    const falseAlerts = downAlerts.filter((alert) => alert.service.startsWith('steady-')).length;
    const stoppedAlerts = downAlerts.filter((alert) => alert.service === 'stopped').length;
    const recoveryMs = recoveredAt === undefined ? undefined : recoveredAt - restoredAt;
    const lateWrites = clients.attempts.filter((a) => a.route !== 'healthz' && recoveredAt !== undefined && a.started >= recoveredAt);
    console.log(
      `database outage (${mode}): outage ${((restoredAt - cutAt) / 1000).toFixed(1)} s; ` +
        `server ${exit ? `exited (code ${exit.code}, signal ${exit.signal}) ${((exit.at - cutAt) / 1000).toFixed(1)} s after the cut` : 'stayed up'}; ` +
        `writes during the outage ${writes.count} (503 with Retry-After ${writes.answered503WithRetryAfter}, ` +
        `answered after the restore ${writes.answeredAfterRestore}, ` +
        `otherwise ${JSON.stringify(writes.problems)}), max write latency ${writes.maxLatencyMs} ms; ` +
        `healthz during the outage ${health.count} (503 with Retry-After ${health.answered503WithRetryAfter}, ` +
        `otherwise ${JSON.stringify(health.problems)}), max healthz latency ${health.maxLatencyMs} ms; ` +
        `writes 200 again ${recoveryMs === undefined ? 'never' : `${(recoveryMs / 1000).toFixed(1)} s`} after the restore; ` +
        `false alerts ${falseAlerts}; missed alerts ${stoppedAlerts === 0 ? 1 : 0} ` +
        `(down alerts for the stopped service: ${stoppedAlerts})`,
    );

    expect.soft(exit, 'the server process stays up').toBeUndefined();
    expect(writes.count).toBeGreaterThan(0);
    expect.soft(writes.problems, 'writes during the outage answer 503 with Retry-After').toEqual({});
    // Writes that waited through the whole outage for a 200 would satisfy the line above.
    expect.soft(writes.answered503WithRetryAfter, 'writes answer 503 while the database is out').toBeGreaterThan(0);
    expect.soft(writes.maxLatencyMs, 'no write waits past 10 s').toBeLessThanOrEqual(LONGEST_ANSWER_MS);
    expect.soft(health.problems, 'GET /healthz during the outage answers 503 with Retry-After').toEqual({});
    expect.soft(health.answered503WithRetryAfter, 'GET /healthz answers 503 while the database is out').toBeGreaterThan(0);
    expect.soft(health.maxLatencyMs, 'GET /healthz never waits past 10 s').toBeLessThanOrEqual(LONGEST_ANSWER_MS);
    expect.soft(recoveryMs, 'writes answer 200 again within 15 s of the restore').toBeLessThanOrEqual(RECOVERY_LIMIT_MS);
    expect
      .soft(countBy(lateWrites.map((a) => String(a.status))), 'every write after the recovery answers 200')
      .toEqual(lateWrites.length > 0 ? { '200': lateWrites.length } : {});
    expect.soft(falseAlerts, 'no steady service is alerted').toBe(0);
    expect.soft(stoppedAlerts, 'the stopped service is alerted once').toBe(1);
  });
});
