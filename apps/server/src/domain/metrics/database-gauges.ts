import { UP_STATUSES, type HeartbeatStatus } from '@watchtower/protocol';
import { METRIC_PREFIX } from '../../lib/metrics.js';
import type { DomainContext } from '../context.js';

// Every service's state in one scan; the status follows heartbeatStatus (views.ts).
const SERVICE_STATES = `
select service,
  case
    when cancelled then 'cancelled'
    when paused then 'paused'
    when not signalled then 'new'
    when alerted or $1::timestamptz > expected_at then 'dead'
    when warn_before is not null and $1::timestamptz >= expected_at - warn_before * interval '1 second' then 'late'
    when run_started_at is not null then 'started'
    else 'alive'
  end as status,
  extract(epoch from expected_at)::float8 as deadline,
  extract(epoch from last_at)::float8 as last,
  alerted, paused,
  coalesce(snoozed_until > $1::timestamptz, false) as snoozed
from heartbeats
order by service`;

// Through the partial index of pending alerts: cheap however many were ever sent.
const OUTBOX = `
select count(*)::int as pending,
  coalesce(extract(epoch from $1::timestamptz - min(next_attempt_at)), 0)::float8 as oldest
from alerts where status = 'pending'`;

interface ServiceState extends Record<string, unknown> {
  service: string;
  status: HeartbeatStatus;
  deadline: number;
  last: number;
  alerted: boolean;
  paused: boolean;
  snoozed: boolean;
}

const UP = new Set<string>(UP_STATUSES);

/** A label value as the text format writes it. */
const labelValue = (text: string) => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function family(name: string, help: string, lines: string[]): string {
  return `# HELP ${METRIC_PREFIX}${name} ${help}\n# TYPE ${METRIC_PREFIX}${name} gauge\n${lines.join('')}`;
}

/** The per-service families, written directly: prom-client's label sets cost too much at 100,000 services. */
function serviceFamilies(rows: ServiceState[]): string {
  const up: string[] = [];
  const deadline: string[] = [];
  const last: string[] = [];
  const alerted: string[] = [];
  const paused: string[] = [];
  const snoozed: string[] = [];
  const byStatus = new Map<string, number>();
  for (const row of rows) {
    const label = `{service="${labelValue(row.service)}"}`;
    byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + 1);
    if (UP.has(row.status)) up.push(`${METRIC_PREFIX}service_up${label} 1\n`);
    else if (row.status === 'dead') up.push(`${METRIC_PREFIX}service_up${label} 0\n`);
    deadline.push(`${METRIC_PREFIX}service_deadline_seconds${label} ${row.deadline}\n`);
    last.push(`${METRIC_PREFIX}service_last_pulse_seconds${label} ${row.last}\n`);
    alerted.push(`${METRIC_PREFIX}service_alerted${label} ${row.alerted ? 1 : 0}\n`);
    paused.push(`${METRIC_PREFIX}service_paused${label} ${row.paused ? 1 : 0}\n`);
    snoozed.push(`${METRIC_PREFIX}service_snoozed${label} ${row.snoozed ? 1 : 0}\n`);
  }
  const counts = [...byStatus].map(([status, n]) => `${METRIC_PREFIX}services{status="${status}"} ${n}\n`);
  return [
    family('services', 'Services by status (alive, started, late, dead, new, paused, cancelled).', counts),
    family('service_up', '1 while the service is up (alive, started, late), 0 while dead; absent when it is not watched.', up),
    family('service_deadline_seconds', 'When the service must pulse next, in Unix seconds.', deadline),
    family('service_last_pulse_seconds', 'When the service last pulsed, in Unix seconds.', last),
    family('service_alerted', '1 while the service is dead and its death was alerted.', alerted),
    family('service_paused', '1 while the service is paused.', paused),
    family('service_snoozed', '1 while the service’s alerts are snoozed.', snoozed),
  ].join('');
}

/**
 * What every server process on the database shares, read when scraped: each service's
 * state, and the alerts waiting to be delivered.
 */
export async function readDatabaseGauges({ db, clock }: DomainContext): Promise<string> {
  const now = clock.now().toISOString();
  const [services, [outbox]] = await Promise.all([
    db.query<ServiceState>(SERVICE_STATES, [now]),
    db.query<{ pending: number; oldest: number }>(OUTBOX, [now]),
  ]);
  return [
    serviceFamilies(services),
    family('outbox_pending', 'Alert deliveries waiting to be sent (due, retrying, or in flight).', [
      `${METRIC_PREFIX}outbox_pending ${outbox?.pending ?? 0}\n`,
    ]),
    family('outbox_oldest_due_seconds', 'How long the most overdue pending delivery has been due (0 when none is).', [
      `${METRIC_PREFIX}outbox_oldest_due_seconds ${Math.max(0, outbox?.oldest ?? 0)}\n`,
    ]),
  ].join('');
}
