import { watchTimes } from './lifecycle-alerts.js';
import type { ServicePatchChange, ServiceSettings } from '@watchtower/protocol';
import { heartbeatRows } from '../../db/rows.js';
import type { HeartbeatRow } from '../../db/schema.js';
import { changes, type Changes } from '../changes.js';
import { inTransaction, type DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { flipBetween, recordFlips } from '../history/record-flips.js';
import { toHeartbeat } from '../views.js';
import { checkCron, type Schedule } from './schedule.js';
import { deadlineFrom, scheduleColumns, scheduleOf } from './service-schedule.js';

/** A service's whole configuration, with its alert destination resolved. */
export interface ServiceConfig {
  alertType: string;
  alertTarget: string;
  channels: string[];
  schedule: Schedule;
  grace: number;
  maxRuntime: number | null;
  description: string | null;
  tags: string[];
  remindEvery: number | null;
  warnBefore: number | null;
  dependsOn: string[];
}

export interface ServiceOutcome {
  heartbeat: HeartbeatRow;
  changes: Changes;
}

/** The configuration a row keeps. */
export function configOf(row: HeartbeatRow): ServiceConfig {
  return {
    alertType: row.alertType,
    alertTarget: row.alertTarget,
    channels: row.channels,
    schedule: scheduleOf(row),
    grace: row.grace,
    maxRuntime: row.maxRuntime,
    description: row.description,
    tags: row.tags,
    remindEvery: row.remindEvery,
    warnBefore: row.warnBefore,
    dependsOn: row.dependsOn,
  };
}

/** The settings of a PUT with their destination (the body's, or the one the caller chose). */
export function configFromSettings(settings: ServiceSettings, destination: { alertType: string; alertTarget: string }): ServiceConfig {
  const { alertType: _type, alertTarget: _target, ...rest } = settings as ServiceSettings & { alertType?: string; alertTarget?: string };
  return { ...rest, ...destination };
}

/** A PATCH applied to what the service has. */
export function patchConfig(config: ServiceConfig, change: ServicePatchChange): ServiceConfig {
  return { ...config, ...change };
}

/**
 * The deadline of a configured service: one schedule cycle (plus grace) after its last
 * signal, or its open run's start plus maxRuntime when a run is open.
 */
function watchedDeadline(config: ServiceConfig, row: Pick<HeartbeatRow, 'lastAt' | 'runStartedAt'> | null, now: Date) {
  const { expectedAt, nextIn } = deadlineFrom(config.schedule, config.grace, row?.lastAt ?? now);
  if (row?.runStartedAt && config.maxRuntime !== null) {
    return { expectedAt: new Date(row.runStartedAt.getTime() + config.maxRuntime * 1000), nextIn };
  }
  return { expectedAt, nextIn };
}

const CONFIG_COLUMNS = [
  'alert_type',
  'alert_target',
  'channels',
  'schedule_kind',
  'next_in',
  'cron',
  'tz',
  'grace',
  'max_runtime',
  'description',
  'tags',
  'remind_every',
  'warn_before',
  'depends_on',
  'expected_at',
];

// A new service waits for its first signal (signalled = false): it is not watched before.
const UPSERT_SERVICE = `
insert into heartbeats (service, last_at, signalled, ${CONFIG_COLUMNS.join(', ')})
select $1, $2, false, ${CONFIG_COLUMNS.map((column) => `r.${column}`).join(', ')}
from json_populate_record(null::heartbeats, $3::text::json) as r
on conflict (service) do update set ${CONFIG_COLUMNS.map((column) => `${column} = excluded.${column}`).join(', ')}
returning ${heartbeatRows.columns()}`;

// The services a service depends on, and theirs, and so on: a cycle comes back to it.
const ANCESTORS_REACH = `
with recursive ancestors(service) as (
  select unnest($2::text[])
  union
  select unnest(h.depends_on) from heartbeats h join ancestors a on h.service = a.service
)
select exists (select 1 from ancestors where service = $1) as cycle`;

/** dependsOn names services that exist, and makes no cycle. */
export async function checkDependencies({ db }: DomainContext, service: string, dependsOn: string[]): Promise<void> {
  if (dependsOn.length === 0) return;
  const known = new Set(
    (await db.query<{ service: string }>('select service from heartbeats where service = any($1::text[])', [dependsOn])).map(
      (row) => row.service,
    ),
  );
  const unknown = dependsOn.filter((parent) => !known.has(parent) && parent !== service);
  if (unknown.length > 0) {
    throw new DomainError('VALIDATION_FAILED', `dependsOn names ${JSON.stringify(unknown[0])}, which is no service here: create it first`);
  }
  const [reach] = await db.query<{ cycle: boolean }>(ANCESTORS_REACH, [service, dependsOn]);
  if (reach?.cycle) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `dependsOn would make a cycle: ${service} would depend on itself through ${dependsOn.join(', ')}; a service cannot wait for its own recovery`,
    );
  }
}

/** Writes a service's configuration (creating it when `existing` is null) and answers its row. */
async function writeConfig(
  context: DomainContext,
  service: string,
  config: ServiceConfig,
  existing: HeartbeatRow | null,
): Promise<ServiceOutcome> {
  if (config.schedule.kind === 'cron') checkCron(config.schedule.cron, config.schedule.tz);
  await checkDependencies(context, service, config.dependsOn);
  const now = context.clock.now();
  const { expectedAt, nextIn } = watchedDeadline(config, existing, now);
  const { scheduleKind, cron, tz } = scheduleColumns(config.schedule);
  const columns = {
    alert_type: config.alertType,
    alert_target: config.alertTarget,
    channels: config.channels,
    schedule_kind: scheduleKind,
    next_in: nextIn,
    cron,
    tz,
    grace: config.grace,
    max_runtime: config.maxRuntime,
    description: config.description,
    tags: config.tags,
    remind_every: config.remindEvery,
    warn_before: config.warnBefore,
    depends_on: config.dependsOn,
    expected_at: expectedAt.toISOString(),
  };
  const [record] = await context.db.query(UPSERT_SERVICE, [service, now.toISOString(), JSON.stringify(columns)]);
  const heartbeat = heartbeatRows.read(record!);
  return { heartbeat, changes: announced(heartbeat, now) };
}

function announced(heartbeat: HeartbeatRow, now: Date): Changes {
  const watched = heartbeat.signalled && !heartbeat.paused && !heartbeat.cancelled && !heartbeat.alerted;
  return changes({
    feed: [{ type: 'heartbeat', heartBeat: toHeartbeat(heartbeat, now) }],
    deadlines: watched ? watchTimes(heartbeat) : [],
  });
}

export async function lockService({ db }: DomainContext, service: string): Promise<HeartbeatRow | null> {
  const [record] = await db.query(`select ${heartbeatRows.columns()} from heartbeats where service = $1 for update`, [service]);
  return record ? heartbeatRows.read(record) : null;
}

export function serviceNotFound(service: string): DomainError {
  return new DomainError(
    'NOT_FOUND',
    `no service named ${JSON.stringify(service)}: create it with PUT /heartbeat/:service, or pulse it with nextIn, alertType and alertTarget`,
  );
}

/** Creates a service, or replaces the configuration of one, without a signal. */
export async function putService(
  context: DomainContext,
  { service, config }: { service: string; config: ServiceConfig },
): Promise<ServiceOutcome & { created: boolean }> {
  return inTransaction(context, async (tx) => {
    const existing = await lockService(tx, service);
    const outcome = await writeConfig(tx, service, config, existing);
    await recordFlips(tx, flipBetween(existing, outcome.heartbeat, { cause: 'created', at: tx.clock.now() }));
    return { ...outcome, created: existing === null };
  });
}

/** Changes some settings of a known service. */
export async function patchService(
  context: DomainContext,
  { service, change }: { service: string; change: ServicePatchChange },
): Promise<ServiceOutcome> {
  return inTransaction(context, async (tx) => {
    const existing = await lockService(tx, service);
    if (!existing) throw serviceNotFound(service);
    return writeConfig(tx, service, patchConfig(configOf(existing), change), existing);
  });
}

/** Removes a service with its runs, events and undelivered alerts; answers it as it was. */
export async function deleteService(context: DomainContext, { service }: { service: string }): Promise<ServiceOutcome> {
  return inTransaction(context, async ({ db }) => {
    const [record] = await db.query(`delete from heartbeats where service = $1 returning ${heartbeatRows.columns()}`, [service]);
    if (!record) throw serviceNotFound(service);
    await db.query('delete from runs where service = $1', [service]);
    // Their idempotency keys go with them, as they would with retention.
    await db.query(
      `with gone as (delete from events where service = $1 returning idempotency_key)
       delete from event_keys where key in (select idempotency_key from gone where idempotency_key is not null)`,
      [service],
    );
    await db.query('delete from flips where service = $1', [service]);
    // Delivered alerts stay as the record of what was sent.
    await db.query(`delete from alerts where service = $1 and status = 'pending'`, [service]);
    return {
      heartbeat: heartbeatRows.read(record),
      changes: changes({
        feed: [{ type: 'heartbeat.deleted', service }],
        log: [{ level: 'info', fields: { service }, message: 'heartbeat.deleted' }],
      }),
    };
  });
}

/** Stops watching a service until it is resumed; signals are still recorded meanwhile. */
export async function pauseService(context: DomainContext, { service }: { service: string }): Promise<ServiceOutcome> {
  return inTransaction(context, async (tx) => {
    const existing = await lockService(tx, service);
    if (!existing) throw serviceNotFound(service);
    const [record] = await tx.db.query(`update heartbeats set paused = true where service = $1 returning ${heartbeatRows.columns()}`, [
      service,
    ]);
    const heartbeat = heartbeatRows.read(record!);
    const now = tx.clock.now();
    await recordFlips(tx, flipBetween(existing, heartbeat, { cause: 'paused', at: now }));
    return { heartbeat, changes: announced(heartbeat, now) };
  });
}

/** Watches a paused service again, from now: one schedule cycle (plus grace) before it can be called dead. */
export async function resumeService(context: DomainContext, { service }: { service: string }): Promise<ServiceOutcome> {
  return inTransaction(context, async (tx) => {
    const existing = await lockService(tx, service);
    if (!existing) throw serviceNotFound(service);
    const now = tx.clock.now();
    const { expectedAt } = deadlineFrom(scheduleOf(existing), existing.grace, now);
    const [record] = await tx.db.query(
      `update heartbeats set paused = false, alerted = false, alert_held = null, died_at = null, reminders = 0, expected_at = $2
       where service = $1 returning ${heartbeatRows.columns()}`,
      [service, expectedAt.toISOString()],
    );
    const heartbeat = heartbeatRows.read(record!);
    await recordFlips(tx, flipBetween(existing, heartbeat, { cause: 'resumed', at: now }));
    return { heartbeat, changes: announced(heartbeat, now) };
  });
}
