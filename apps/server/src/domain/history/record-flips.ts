import type { FlipCause, FlipStatus } from '@watchtower/protocol';
import type { HeartbeatRow } from '../../db/schema.js';
import type { DomainContext } from '../context.js';

/** One change of a service's state, as it is kept. */
export interface FlipInput {
  service: string;
  at: Date;
  /** Null when the change created the service. */
  from: FlipStatus | null;
  to: FlipStatus;
  cause: FlipCause;
}

/**
 * The server's own rows in `flips`, under a name no service can have (names have at least
 * one character): `serverDown` (`up` → `down`) where a time with no server running began,
 * and `serverUp` (`down` → `up`) where it ended. Each service's history reads them as `unknown`.
 */
export const SERVER_FLIPS = '';

/** What a row says of its state, for its history. */
export type StatusFields = Pick<
  HeartbeatRow,
  'cancelled' | 'paused' | 'signalled' | 'alerted' | 'runStartedAt' | 'lateNoticedFor' | 'expectedAt' | 'snoozedUntil'
>;

/**
 * The state a row records at `at`, in the order of heartbeatStatus: a service is dead once
 * the sweeper claimed its death (or a run failed), and late once its "running late" notice
 * went out for its current deadline, not before. A snooze covers every state but paused
 * and cancelled: the history says `snoozed` while alerts are held.
 */
export function recordedStatus(row: StatusFields, at: Date): FlipStatus {
  if (row.cancelled) return 'cancelled';
  if (row.paused) return 'paused';
  if (row.snoozedUntil && row.snoozedUntil > at) return 'snoozed';
  if (!row.signalled) return 'new';
  if (row.alerted) return 'dead';
  if (row.runStartedAt) return 'started';
  return row.lateNoticedFor && row.lateNoticedFor.getTime() === row.expectedAt.getTime() ? 'late' : 'alive';
}

/** The flip from `before` (null: the service did not exist) to `after`; none when the state stayed. */
export function flipBetween(
  before: StatusFields | null,
  after: StatusFields & { service: string },
  { cause, at }: { cause: FlipCause; at: Date },
): FlipInput[] {
  const from = before && recordedStatus(before, at);
  const to = recordedStatus(after, at);
  return from === to ? [] : [{ service: after.service, at, from, to, cause: before ? cause : 'created' }];
}

// One statement for any number of flips; optionally last in its transaction, with its deadline.
const INSERT_FLIPS = `
insert into flips (service, at, from_status, to_status, cause)
select x.service, x.at, x.from_status, x.to_status, x.cause
from json_to_recordset($1::text::json) as x(service text, at timestamptz, from_status text, to_status text, cause text)
where $2::timestamptz is null or watchtower_write_deadline($2::timestamptz)`;

/**
 * Keeps these changes of state in the history, in one insert, as part of the transaction
 * that made them. A flip whose `from` equals its `to` is no change, and is left out.
 * With `deadline`, the insert fails past it (as the last statement of a pulse batch must).
 */
export async function recordFlips({ db }: DomainContext, flips: FlipInput[], { deadline }: { deadline?: Date } = {}): Promise<void> {
  const changed = flips.filter((flip) => flip.from !== flip.to);
  if (changed.length === 0) return;
  const rows = changed.map((flip) => ({
    service: flip.service,
    at: flip.at.toISOString(),
    from_status: flip.from,
    to_status: flip.to,
    cause: flip.cause,
  }));
  await db.query(INSERT_FLIPS, [JSON.stringify(rows), deadline?.toISOString() ?? null]);
}

/** Keeps a time when no server ran (`from` to `to`): every service's state is unknown over it. */
export async function recordServerDowntime(context: DomainContext, { from, to }: { from: Date; to: Date }): Promise<void> {
  await context.db.query(
    `insert into flips (service, at, from_status, to_status, cause)
     values ($1, $2, 'up', 'down', 'serverDown'), ($1, $3, 'down', 'up', 'serverUp')`,
    [SERVER_FLIPS, from.toISOString(), to.toISOString()],
  );
}
