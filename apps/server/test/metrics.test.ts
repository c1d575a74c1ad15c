import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createChannelRegistry } from '../src/channels/registry.js';
import { ConfigSchema } from '../src/config.js';
import { openStorage, type Storage } from '../src/db/client.js';
import { createLocalChangeFeed } from '../src/feed/change-feed.js';
import { createSendStep } from '../src/jobs/sender.js';
import { createSweepStep } from '../src/jobs/sweeper.js';
import { ManualClock } from '../src/lib/clock.js';
import { silentLogger } from '../src/lib/logger.js';
import { countingFeed, Metrics } from '../src/lib/metrics.js';
import { createTestStorage, DATABASE_KINDS } from './support/databases.js';

const PASSWORD = 'test-password-123';
const config = () => ({ ...ConfigSchema.parse({}), password: PASSWORD });

type Samples = Map<string, number>;

// One sample line: a name, optional labels, and a value (Prometheus' text format 0.0.4, whose
// parser reads NaN in any case, as prom-client writes it: `Nan`).
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|[Nn]a[Nn]|[+-]Inf)$/;

/** Reads the text format strictly: every line a comment or a sample of a family declared before it. */
function parseMetrics(text: string): { samples: Samples; types: Map<string, string> } {
  const samples: Samples = new Map();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      expect(types.has(type[1]!), `${type[1]} declared twice`).toBe(false);
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const sample = SAMPLE.exec(line);
    expect(sample, `not a sample: ${line}`).not.toBeNull();
    const family = sample![1]!.replace(/_(bucket|sum|count)$/, '');
    expect(types.has(sample![1]!) || types.has(family), `no TYPE before ${line}`).toBe(true);
    samples.set(`${sample![1]}${sample![2] ?? ''}`, Number(sample![3]));
  }
  return { samples, types };
}

describe.each(DATABASE_KINDS)('GET /metrics on %s', (kind) => {
  let storage: Storage & { url?: string };
  let clock: ManualClock;
  let metrics: Metrics;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    storage = await createTestStorage(kind);
  });
  afterAll(async () => {
    await storage?.close();
  });
  beforeEach(async () => {
    await storage.query('truncate heartbeats, events, event_keys, alerts, runs, api_keys, flips, channels restart identity', []);
    clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
    metrics = new Metrics();
    app = createApp({ db: storage, clock, config: config(), log: silentLogger, metrics });
  });

  const call = (target: ReturnType<typeof createApp>, method: string, path: string, body?: unknown, secret = PASSWORD) =>
    target.request(path, {
      method,
      headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  async function scrape(target = app): Promise<Samples> {
    const response = await call(target, 'GET', '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseMetrics(await response.text()).samples;
  }

  async function createKey(scope: string): Promise<string> {
    const response = await call(app, 'POST', '/keys', { name: `${scope} key`, scope });
    return ((await response.json()) as { secret: string }).secret;
  }

  it('needs a read key or better', async () => {
    const anonymous = await app.request('/metrics');
    expect(anonymous.status).toBe(401);
    expect((await call(app, 'GET', '/metrics', undefined, await createKey('pulse'))).status).toBe(403);
    for (const scope of ['read', 'admin']) {
      const response = await call(app, 'GET', '/metrics', undefined, await createKey(scope));
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('# TYPE watchtower_services gauge');
    }
  });

  it('reports a pulse, a death and a delivery', async () => {
    const pulsed = await call(app, 'POST', '/heartbeat', { service: 'backup', alertType: 'log', alertTarget: 'ops', nextIn: 60 });
    const { heartBeat } = (await pulsed.json()) as { heartBeat: { expected: number; last: number } };
    let samples = await scrape();
    expect(samples.get('watchtower_pulses_total{outcome="recorded"}')).toBe(1);
    expect(samples.get('watchtower_pulses_total{outcome="refused"}')).toBe(0);
    expect(samples.get('watchtower_service_up{service="backup"}')).toBe(1);
    expect(samples.get('watchtower_service_deadline_seconds{service="backup"}')).toBe(heartBeat.expected);
    expect(samples.get('watchtower_service_last_pulse_seconds{service="backup"}')).toBe(heartBeat.last);
    expect(samples.get('watchtower_service_alerted{service="backup"}')).toBe(0);
    expect(samples.get('watchtower_services{status="alive"}')).toBe(1);
    expect(samples.get('watchtower_group_commit_batch_size_count{queue="pulse"}')).toBe(1);
    expect(samples.get('watchtower_group_commit_waiting{queue="pulse"}')).toBe(0);

    // The loops, as a server process runs them, with this app's counters.
    const feed = countingFeed(createLocalChangeFeed(), metrics);
    const sweep = createSweepStep({ storage, clock, log: silentLogger, feed, signals: { alertQueued: () => {} }, metrics });
    const send = createSendStep({
      storage,
      clock,
      log: silentLogger,
      channels: createChannelRegistry(config(), silentLogger),
      feed,
      metrics,
    });
    clock.advance(65);
    await sweep();
    samples = await scrape();
    expect(samples.get('watchtower_service_up{service="backup"}')).toBe(0);
    expect(samples.get('watchtower_service_alerted{service="backup"}')).toBe(1);
    expect(samples.get('watchtower_services{status="dead"}')).toBe(1);
    expect(samples.get('watchtower_service_transitions_total{to="dead"}')).toBe(1);
    expect(samples.get('watchtower_events_total{level="error"}')).toBe(1);
    expect(samples.get('watchtower_sweeper_lag_seconds_count')).toBe(1);
    expect(samples.get('watchtower_sweeper_lag_seconds_sum')).toBeCloseTo(5, 3);
    expect(samples.get('watchtower_outbox_pending')).toBe(1);

    clock.advance(2);
    await send();
    samples = await scrape();
    expect(samples.get('watchtower_outbox_pending')).toBe(0);
    expect(samples.get('watchtower_alert_deliveries_total{channel="log",kind="down",outcome="sent"}')).toBe(1);
    expect(samples.get('watchtower_alert_delivery_attempts_count{channel="log",kind="down",outcome="sent"}')).toBe(1);
    // From the missed deadline to the delivery: the sweep came 5 s after it, the sender 2 s later.
    expect(samples.get('watchtower_alert_delivery_latency_seconds_sum{channel="log",kind="down"}')).toBeCloseTo(7, 3);
    expect(samples.get('watchtower_alert_delivery_latency_seconds_bucket{le="10",channel="log",kind="down"}')).toBe(1);
    expect(samples.get('watchtower_alert_delivery_latency_seconds_bucket{le="5",channel="log",kind="down"}')).toBe(0);
  });

  it('labels requests by route pattern and status class, never by the raw path', async () => {
    await call(app, 'POST', '/heartbeat', { service: 'backup', alertType: 'log', alertTarget: 'ops', nextIn: 60 });
    await call(app, 'GET', '/heartbeat/backup');
    await call(app, 'GET', '/heartbeat/nothing-here');
    await call(app, 'GET', '/no/such/path');
    await app.request('/heartbeat/backup');
    const samples = [...(await scrape()).keys()].filter((name) => name.startsWith('watchtower_http_request_duration_seconds_count'));
    expect(samples).toEqual(
      expect.arrayContaining([
        'watchtower_http_request_duration_seconds_count{method="POST",route="/heartbeat",status="2xx"}',
        'watchtower_http_request_duration_seconds_count{method="GET",route="/heartbeat/:service",status="2xx"}',
        'watchtower_http_request_duration_seconds_count{method="GET",route="/heartbeat/:service",status="4xx"}',
        'watchtower_http_request_duration_seconds_count{method="GET",route="unmatched",status="4xx"}',
      ]),
    );
    expect(samples.join('\n')).not.toMatch(/backup|nothing-here|no\/such/);
    // A missing service (404) and a call refused for want of credentials (401): both under the route asked for.
    const counts = await scrape();
    expect(counts.get('watchtower_http_request_duration_seconds_count{method="GET",route="/heartbeat/:service",status="4xx"}')).toBe(2);
  });

  it('writes service names that need escaping as valid label values', async () => {
    const service = 'odd "name" \\ here';
    expect((await call(app, 'POST', '/heartbeat', { service, alertType: 'log', alertTarget: 'ops', nextIn: 60 })).status).toBe(200);
    const samples = await scrape();
    expect(samples.get('watchtower_service_up{service="odd \\"name\\" \\\\ here"}')).toBe(1);
  });

  it('reads the service gauges from the database: another process sees the same', async () => {
    const other = kind === 'postgres' ? await openStorage({ kind: 'postgres', url: storage.url!, maxConnections: 2 }) : storage;
    try {
      const second = createApp({ db: other, clock, config: config(), log: silentLogger, metrics: new Metrics() });
      await call(app, 'POST', '/heartbeat', { service: 'backup', alertType: 'log', alertTarget: 'ops', nextIn: 60 });
      expect((await call(app, 'PUT', '/heartbeat/nightly', { period: 3600, alertType: 'log', alertTarget: 'ops' })).status).toBe(200);
      await call(app, 'POST', '/heartbeat/backup/pause');
      const [mine, theirs] = [await scrape(app), await scrape(second)];
      const shared = (samples: Samples) => [...samples].filter(([name]) => /^watchtower_(service|outbox)/.test(name));
      expect(shared(theirs)).toEqual(shared(mine));
      expect(theirs.get('watchtower_service_paused{service="backup"}')).toBe(1);
      expect(theirs.get('watchtower_services{status="new"}')).toBe(1);
      expect(theirs.has('watchtower_service_up{service="backup"}')).toBe(false);
      // Counters are each process's own.
      expect(mine.get('watchtower_pulses_total{outcome="recorded"}')).toBe(1);
      expect(theirs.get('watchtower_pulses_total{outcome="recorded"}')).toBe(0);
    } finally {
      if (other !== storage) await other.close();
    }
  });

  it('includes the process defaults', async () => {
    const samples = await scrape();
    expect(samples.get('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect([...samples.keys()].some((name) => name.startsWith('nodejs_eventloop_lag_p99_seconds'))).toBe(true);
  });
});
