import cluster from 'node:cluster';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { levelName, type StreamChange } from '@watchtower/protocol';
import type { ChangeFeed } from '../feed/change-feed.js';

/** The names every family of this server starts with. */
export const METRIC_PREFIX = 'watchtower_';

/** Outcomes of one delivery attempt: taken by the provider, to be tried again, or given up. */
export type DeliveryOutcome = 'sent' | 'retry' | 'failed';

/** What the sender says of one attempt. */
export interface DeliveredAlert {
  kind: string;
  channel: string;
  attempts: number;
  createdAt: Date;
  details: Record<string, unknown>;
}

/** Counts kept by a group commit of writes: plain numbers, read when scraped. */
export interface GroupCommitObserver {
  /** Items waiting for a batch now (the group commit keeps it up to date). */
  waiting: number;
  /** A batch of this many items is about to be written. */
  batch(size: number): void;
  /** This many items were written (`true`) or refused (`false`). */
  settled(written: boolean, count: number): void;
}

// A process's default metrics (CPU, memory, event loop, GC) are the same for every app the
// process builds: one registry of them, made on the first scrape.
let processDefaults: Registry | undefined;
function defaultsRegistry(): Registry {
  if (!processDefaults) {
    processDefaults = new Registry();
    collectDefaultMetrics({ register: processDefaults, prefix: '' });
    // Which process answered the scrape: with WATCHTOWER_WORKERS each worker counts its own.
    new Gauge({
      name: `${METRIC_PREFIX}process_info`,
      help: 'This process: its pid, and its worker number (0 without workers).',
      labelNames: ['pid', 'worker'],
      registers: [processDefaults],
    }).set({ pid: String(process.pid), worker: String(cluster.worker?.id ?? 0) }, 1);
  }
  return processDefaults;
}

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600];
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'];

/** When a delivered alert was due: a death's deadline, else when it was queued. */
function dueAt(alert: DeliveredAlert): number {
  const expected = alert.details.expected;
  if (alert.kind === 'down' && typeof expected === 'number') return expected * 1000;
  return alert.createdAt.getTime();
}

/**
 * The counters of one app instance (one registry each: a process may build several apps).
 * Counters count what this process did; what every process shares (service states, the
 * outbox) is read from the database when scraped.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private readonly httpChildren = new Map<string, Histogram.Internal<'method' | 'route' | 'status'>>();
  private readonly pulses: Counter<'outcome'>;
  private readonly events: Counter<'level'>;
  private readonly flips: Counter<'to'>;
  private readonly deliveries: Counter<'channel' | 'kind' | 'outcome'>;
  private readonly attempts: Histogram<'channel' | 'kind' | 'outcome'>;
  private readonly latency: Histogram<'channel' | 'kind'>;
  private readonly sweeperLag: Histogram;
  private readonly batches: Histogram<'queue'>;
  private readonly queues = new Map<string, GroupCommitObserver[]>();

  constructor() {
    const registers = [this.registry];
    this.http = new Histogram({
      name: `${METRIC_PREFIX}http_request_duration_seconds`,
      help: 'HTTP requests by method, route pattern and status class: time to the answer’s headers.',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.pulses = new Counter({
      name: `${METRIC_PREFIX}pulses_total`,
      help: 'Pulses by outcome: recorded (committed), or refused (the database could not take them in time).',
      labelNames: ['outcome'],
      registers,
    });
    this.events = new Counter({
      name: `${METRIC_PREFIX}events_total`,
      help: 'Events stored, by level (the server’s own included, such as deaths).',
      labelNames: ['level'],
      registers,
    });
    this.flips = new Counter({
      name: `${METRIC_PREFIX}service_transitions_total`,
      help: 'Services that died (to="dead") or recovered (to="up").',
      labelNames: ['to'],
      registers,
    });
    this.deliveries = new Counter({
      name: `${METRIC_PREFIX}alert_deliveries_total`,
      help: 'Alert delivery attempts by channel type, alert kind and outcome (sent, retry, failed).',
      labelNames: ['channel', 'kind', 'outcome'],
      registers,
    });
    this.attempts = new Histogram({
      name: `${METRIC_PREFIX}alert_delivery_attempts`,
      help: 'Attempts an alert took, observed when it was sent or given up.',
      labelNames: ['channel', 'kind', 'outcome'],
      buckets: [1, 2, 3, 5, 10, 20, 50],
      registers,
    });
    this.latency = new Histogram({
      name: `${METRIC_PREFIX}alert_delivery_latency_seconds`,
      help: 'From when an alert was due (a death: the missed deadline; else when it was queued) to the provider taking it.',
      labelNames: ['channel', 'kind'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.sweeperLag = new Histogram({
      name: `${METRIC_PREFIX}sweeper_lag_seconds`,
      help: 'How long after its deadline the sweeper declared each dead service dead.',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.batches = new Histogram({
      name: `${METRIC_PREFIX}group_commit_batch_size`,
      help: 'Writes that shared one statement and one commit, by queue (pulse, event; event-batch counts whole batches).',
      labelNames: ['queue'],
      buckets: BATCH_BUCKETS,
      registers,
    });
    const queues = this.queues;
    new Gauge({
      name: `${METRIC_PREFIX}group_commit_waiting`,
      help: 'Writes waiting for the next batch, by queue.',
      labelNames: ['queue'],
      registers,
      collect() {
        this.reset();
        for (const [queue, observers] of queues)
          this.set(
            { queue },
            observers.reduce((sum, one) => sum + one.waiting, 0),
          );
      },
    });
    for (const outcome of ['recorded', 'refused']) this.pulses.inc({ outcome }, 0);
  }

  /** Observes one HTTP answer; `route` is the matched pattern, never the raw path. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const statusClass = STATUS_CLASSES[Math.floor(status / 100) - 1] ?? 'other';
    const key = `${method} ${statusClass} ${route}`;
    let child = this.httpChildren.get(key);
    if (!child) {
      child = this.http.labels({ method, route, status: statusClass });
      this.httpChildren.set(key, child);
    }
    child.observe(seconds);
  }

  /** A group commit's counters, read when scraped; `queue` names it (pulse, event, event-batch: whole requests). */
  groupCommit(queue: 'pulse' | 'event' | 'event-batch'): GroupCommitObserver {
    const batches = this.batches.labels({ queue });
    const pulses = queue === 'pulse' ? { recorded: this.pulses.labels('recorded'), refused: this.pulses.labels('refused') } : undefined;
    const observer: GroupCommitObserver = {
      waiting: 0,
      batch: (size) => batches.observe(size),
      settled: (written, count) => pulses?.[written ? 'recorded' : 'refused'].inc(count),
    };
    this.queues.set(queue, [...(this.queues.get(queue) ?? []), observer]);
    return observer;
  }

  /** Counts what committed changes say: events stored, deaths and recoveries. */
  observeChanges(changes: readonly StreamChange[]): void {
    for (const change of changes) {
      if (change.type === 'event') this.events.inc({ level: levelName(change.event.level) });
      else if (change.type === 'heartbeat.dead') this.flips.inc({ to: 'dead' });
      else if (change.type === 'heartbeat.recovered') this.flips.inc({ to: 'up' });
    }
  }

  /** One delivery attempt's outcome, with the time from when it was due on a success. */
  observeDelivery(alert: DeliveredAlert, outcome: DeliveryOutcome, at: Date): void {
    const labels = { channel: alert.channel, kind: alert.kind };
    this.deliveries.inc({ ...labels, outcome });
    if (outcome !== 'retry') this.attempts.observe({ ...labels, outcome }, alert.attempts);
    if (outcome === 'sent') this.latency.observe(labels, Math.max(0, (at.getTime() - dueAt(alert)) / 1000));
  }

  /** Services the sweeper declared dead, each this many seconds after its deadline. */
  observeSweep(lateBySeconds: readonly number[]): void {
    for (const seconds of lateBySeconds) this.sweeperLag.observe(Math.max(0, seconds));
  }

  /** The counters of this app and the process's defaults, in the text format. */
  async text(): Promise<string> {
    const [own, defaults] = await Promise.all([this.registry.metrics(), defaultsRegistry().metrics()]);
    return `${own}${defaults}`;
  }
}

/** The text format's content type. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** The feed, counting the changes published through it on their way (events, deaths, recoveries). */
export function countingFeed(feed: ChangeFeed, metrics: Metrics): ChangeFeed {
  return {
    publish(changes) {
      metrics.observeChanges(changes);
      feed.publish(changes);
    },
    subscribe: (subscriber) => feed.subscribe(subscriber),
    get subscribers() {
      return feed.subscribers;
    },
    close: () => feed.close(),
  };
}
