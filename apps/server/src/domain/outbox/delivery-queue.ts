import { LEVELS, type AlertDelivery, type Event } from '@watchtower/protocol';
import type { Query, Storage } from '../../db/client.js';
import type { AlertRow } from '../../db/schema.js';
import { recordServerEvents } from '../events/insert-events.js';

interface AlertRecord extends Record<string, unknown> {
  id: string;
  kind: AlertRow['kind'];
  service: string;
  channel: string;
  target: string;
  details: Record<string, unknown> | string;
  status: AlertRow['status'];
  attempts: number;
  last_error: string | null;
  claim_token: string | null;
  next_attempt_ms: string | number;
  created_ms: string | number;
  sent_ms: string | number | null;
}

// Times travel as epoch milliseconds: each driver parses timestamps its own way.
const COLUMNS = `id, kind, service, channel, target, details, status, attempts, last_error, claim_token,
  extract(epoch from next_attempt_at) * 1000 as next_attempt_ms,
  extract(epoch from created_at) * 1000 as created_ms,
  extract(epoch from sent_at) * 1000 as sent_ms`;

export function toAlertRow(row: AlertRecord): AlertRow {
  return {
    id: row.id,
    kind: row.kind,
    service: row.service,
    channel: row.channel,
    target: row.target,
    details: typeof row.details === 'string' ? JSON.parse(row.details) : row.details,
    status: row.status,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    claimToken: row.claim_token,
    nextAttemptAt: new Date(Number(row.next_attempt_ms)),
    createdAt: new Date(Number(row.created_ms)),
    sentAt: row.sent_ms === null ? null : new Date(Number(row.sent_ms)),
  };
}

/** What a claim hands out: the alert, and the token that proves this sender still holds it. */
export interface ClaimedAlert {
  alert: AlertRow;
  claimToken: string;
}

// Which of a service's alerts wait for each other: its heartbeat's downs and recoveries
// form one line, its event alerts another, so a death never waits behind event alerts.
const SAME_LINE = `(o.kind = 'event') = (c.kind = 'event')`;

// An alert waits while an older one of its line is pending, delivered right now included
// (a claimed alert stays pending until its outcome). alerts_pending_service_idx serves it.
const HEAD_OF_LINE = `not exists (
    select 1 from alerts o
    where o.service = c.service and o.status = 'pending' and o.created_at <= c.created_at and ${SAME_LINE}
      and (o.created_at, o.id) < (c.created_at, c.id)
  )`;

// A claim moves the due time a lease ahead, so no other sender takes the alert while this
// one delivers; if this one dies, the alert is due again when the lease runs out. A fresh
// token per claim lets an outcome tell whether its sender still holds the alert.
const CLAIM_DUE = `
update alerts set attempts = attempts + 1, next_attempt_at = $2, claim_token = gen_random_uuid()::text
where id in (
  select c.id from alerts c
  where c.status = 'pending' and c.next_attempt_at <= $1
    and ($4::boolean is null or (c.kind = 'event') = $4)
    and c.id <> all($5::text[])
    and ${HEAD_OF_LINE}
  order by (c.kind = 'event'), c.next_attempt_at
  limit $3
  for update skip locked
)
returning ${COLUMNS}`;

export interface ClaimOptions {
  /** Only event alerts (true), only heartbeat alerts (false), or both, events last. */
  events?: boolean;
  /** Alerts this process still has in hand, never to be claimed again meanwhile. */
  exclude?: string[];
}

export async function claimDueAlerts(
  storage: Storage,
  now: Date,
  leaseMs: number,
  limit = 20,
  { events, exclude = [] }: ClaimOptions = {},
): Promise<ClaimedAlert[]> {
  const rows = await storage.query<AlertRecord>(CLAIM_DUE, [
    now.toISOString(),
    new Date(now.getTime() + leaseMs).toISOString(),
    limit,
    events ?? null,
    exclude,
  ]);
  return rows.map((row) => ({ alert: toAlertRow(row), claimToken: row.claim_token! }));
}

// Every outcome is written only by the holder of the current claim: a sender whose lease
// ran out and was claimed again, or whose alert was superseded, changes nothing.
const OWNED = `id = $1 and claim_token = $2 and status = 'pending'`;

/** Marks a claimed alert sent; null when the claim was no longer this sender's. */
export async function markAlertSent(storage: Storage, claim: ClaimedAlert, at: Date): Promise<AlertRow | null> {
  const [row] = await storage.query<AlertRecord>(
    `update alerts set status = 'sent', sent_at = $3, last_error = null, claim_token = null
     where ${OWNED} returning ${COLUMNS}`,
    [claim.alert.id, claim.claimToken, at.toISOString()],
  );
  return row ? toAlertRow(row) : null;
}

export interface FailureOutcome {
  alert: AlertRow;
  /** The error event recorded when the alert failed for good. */
  event: Event | null;
}

/**
 * Records a failed attempt: due again at `retryAt`, or failed for good when `retryAt` is
 * null, with an error event in the same transaction. Null when the claim was lost.
 * A failed alert keeps in next_attempt_at when it was given up.
 */
export async function recordAlertFailure(
  storage: Storage,
  claim: ClaimedAlert,
  error: string,
  retryAt: Date | null,
  now: Date,
): Promise<FailureOutcome | null> {
  return storage.transaction(async (query) => {
    const [row] = await query<AlertRecord>(
      `update alerts set last_error = $3, claim_token = null,
         status = case when $4::timestamptz is null then 'failed' else 'pending' end,
         next_attempt_at = coalesce($4::timestamptz, $5::timestamptz)
       where ${OWNED}
       returning ${COLUMNS}`,
      [claim.alert.id, claim.claimToken, Array.from(error).slice(0, 1000).join(''), retryAt?.toISOString() ?? null, now.toISOString()],
    );
    if (!row) return null;
    const alert = toAlertRow(row);
    if (alert.status === 'pending') {
      return { alert: (alert.kind === 'down' && (await supersedeByRecovery(query, alert))) || alert, event: null };
    }
    const [event] = await recordServerEvents(
      query,
      [{ service: alert.service, level: LEVELS.error, message: describeFailedAlert(alert) }],
      now,
    );
    return { alert, event: event! };
  });
}

// The service came back while this down was being tried, so its recovery is queued behind
// it: the down is not retried, and the recovery (not claimed before the down's outcome) says both.
const SUPERSEDE_BY_RECOVERY = `
with recovery as (
  update alerts set details = details || jsonb_build_object('downNotSent', true, 'downAlertId', $1::text, 'downRaised', $4::float8)
  where id = (
    select id from alerts
    where service = $2 and status = 'pending' and kind = 'recovered' and created_at >= $3
    order by created_at, id
    limit 1
    for update
  )
  returning id
)
update alerts set status = 'superseded'
where id = $1 and status = 'pending' and exists (select 1 from recovery)
returning ${COLUMNS}`;

async function supersedeByRecovery(query: Query, down: AlertRow): Promise<AlertRow | null> {
  const [row] = await query<AlertRecord>(SUPERSEDE_BY_RECOVERY, [
    down.id,
    down.service,
    down.createdAt.toISOString(),
    down.createdAt.getTime() / 1000,
  ]);
  return row ? toAlertRow(row) : null;
}

function describeFailedAlert(alert: Pick<AlertRow, 'kind' | 'service' | 'channel' | 'lastError'>): string {
  return `The ${alert.kind} alert of ${alert.service} through ${alert.channel} failed: ${alert.lastError ?? 'no reason given'}`;
}

/**
 * Hands claimed event alerts back unsent, due at `until`, and moves every other due event
 * alert of the channel there too, so a flood is not claimed and handed back one by one.
 */
export async function deferEventAlerts(storage: Storage, channel: string, claims: ClaimedAlert[], now: Date, until: Date): Promise<number> {
  return storage.transaction(async (query) => {
    const released = await query<{ id: string }>(
      `update alerts set attempts = attempts - 1, next_attempt_at = $3, claim_token = null
       where (id, claim_token) in (select * from unnest($1::text[], $2::text[])) and status = 'pending'
       returning id`,
      [claims.map((claim) => claim.alert.id), claims.map((claim) => claim.claimToken), until.toISOString()],
    );
    const moved = await query<{ id: string }>(
      `update alerts set next_attempt_at = $3
       where status = 'pending' and next_attempt_at <= $2 and kind = 'event' and channel = $1
       returning id`,
      [channel, now.toISOString(), until.toISOString()],
    );
    return released.length + moved.length;
  });
}

/** When the next alert this process could claim is due; alerts waiting for an older one do not count. */
export async function nextAlertDue(storage: Storage, { events, exclude = [] }: ClaimOptions = {}): Promise<Date | null> {
  const [row] = await storage.query<{ at_ms: string | number | null }>(
    `select extract(epoch from min(c.next_attempt_at)) * 1000 as at_ms from alerts c
     where c.status = 'pending' and ($1::boolean is null or (c.kind = 'event') = $1)
       and c.id <> all($2::text[]) and ${HEAD_OF_LINE}`,
    [events ?? null, exclude],
  );
  return row?.at_ms === null || row?.at_ms === undefined ? null : new Date(Number(row.at_ms));
}

/** Alerts given up since `since` (their retries ran out, or the provider refused for good). */
export async function countFailedAlerts(storage: Storage, since: Date): Promise<number> {
  const [row] = await storage.query<{ n: string | number }>(
    `select count(*) as n from alerts where status = 'failed' and next_attempt_at >= $1`,
    [since.toISOString()],
  );
  return Number(row?.n ?? 0);
}

export async function listRecentAlerts(storage: Storage, limit: number, service?: string): Promise<AlertRow[]> {
  const rows = await storage.query<AlertRecord>(
    `select ${COLUMNS} from alerts where ($2::text is null or service = $2) order by created_at desc, id limit $1`,
    [limit, service ?? null],
  );
  return rows.map(toAlertRow);
}

/** An alert and its delivery in the protocol's form. */
export function toAlertDelivery(row: AlertRow): AlertDelivery {
  return {
    id: row.id,
    kind: row.kind,
    service: row.service,
    channel: row.channel,
    target: row.target,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    created: row.createdAt.getTime() / 1000,
    sent: row.sentAt ? row.sentAt.getTime() / 1000 : null,
    nextAttempt: row.status === 'pending' ? row.nextAttemptAt.getTime() / 1000 : null,
  };
}
