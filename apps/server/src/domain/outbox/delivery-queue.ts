import { LEVELS } from '@watchtower/protocol';
import { planByKey } from '../../db/keyed-plans.js';
import { alertRows, readInstant, selectInstant } from '../../db/rows.js';
import type { AlertRow } from '../../db/schema.js';
import { changes, type Changes } from '../changes.js';
import { inTransaction, type DomainContext } from '../context.js';
import { recordServerEvents } from '../events/insert-events.js';
import { toAlertDelivery, unixSeconds } from '../views.js';

const COLUMNS = alertRows.columns();

/** What a claim hands out: the alert, and the token that proves this sender still holds it. */
export interface ClaimedAlert {
  alert: AlertRow;
  claimToken: string;
}

// Which of a service's alerts wait for each other: its heartbeat's downs and recoveries
// form one line per delivery target (the classic pair, each named channel), its event
// alerts another, so a death never waits behind event alerts, nor behind another channel.
const SAME_LINE = `(o.kind = 'event') = (c.kind = 'event') and o.channel_name is not distinct from c.channel_name`;

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
    and (c.kind = 'event') = $4
    and c.id <> all($5::text[])
    and ${HEAD_OF_LINE}
  order by c.next_attempt_at
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

/** Claims due alerts, each at the head of its service's line, for `leaseMs`; heartbeat alerts before event alerts when both are asked for. */
export async function claimDueAlerts(
  context: DomainContext,
  { leaseMs, limit = 20, events, exclude = [] }: ClaimOptions & { leaseMs: number; limit?: number },
): Promise<ClaimedAlert[]> {
  if (events === undefined) {
    const urgent = await claimDueAlerts(context, { leaseMs, limit, events: false, exclude });
    const room = limit - urgent.length;
    return room > 0 ? [...urgent, ...(await claimDueAlerts(context, { leaseMs, limit: room, events: true, exclude }))] : urgent;
  }
  const now = context.clock.now();
  const records = await inTransaction(context, async ({ db }) => {
    // Walks alerts_pending_due_idx in due order and stops at its limit, whatever the
    // statistics say: planned from stale ones, a claim of 32 sorted every due alert first.
    // The line of each is checked through alerts_pending_service_idx: with a scan of the
    // table allowed instead, claims of 256 took seconds each while 10,000 alerts waited.
    await planByKey(db, { noSeqScan: true });
    return db.query(CLAIM_DUE, [now.toISOString(), new Date(now.getTime() + leaseMs).toISOString(), limit, events, exclude]);
  });
  return records.map(alertRows.read).map((alert) => ({ alert, claimToken: alert.claimToken! }));
}

// Every outcome is written only by the holder of the current claim: a sender whose lease
// ran out and was claimed again, or whose alert was superseded, changes nothing.
const OWNED = `id = $1 and claim_token = $2 and status = 'pending'`;

export interface AlertOutcome {
  alert: AlertRow;
  changes: Changes;
}

const announce = (alert: AlertRow): Changes => changes({ feed: [{ type: 'alert', alert: toAlertDelivery(alert) }] });

// Many deliveries end at once when many alerts fall due together: their outcomes are
// written in one statement, each still only by the holder of its claim.
const MARK_SENT = `
update alerts a set status = 'sent', sent_at = $3, last_error = null, claim_token = null
from unnest($1::text[], $2::text[]) as claim(id, token)
where a.id = claim.id and a.claim_token = claim.token and a.status = 'pending'
returning ${alertRows.columns('a')}`;

/** Marks claimed alerts sent, now; for each claim in order, its outcome, or null when the claim was no longer this sender's. */
export async function markAlertsSent(
  { db, clock }: DomainContext,
  { claims }: { claims: ClaimedAlert[] },
): Promise<Array<AlertOutcome | null>> {
  if (claims.length === 0) return [];
  const records = await db.query(MARK_SENT, [
    claims.map((claim) => claim.alert.id),
    claims.map((claim) => claim.claimToken),
    clock.now().toISOString(),
  ]);
  const sent = new Map(records.map(alertRows.read).map((alert) => [alert.id, alert]));
  return claims.map((claim) => {
    const alert = sent.get(claim.alert.id);
    return alert ? { alert, changes: announce(alert) } : null;
  });
}

/** Marks a claimed alert sent, now; null when the claim was no longer this sender's. */
export async function markAlertSent(context: DomainContext, { claim }: { claim: ClaimedAlert }): Promise<AlertOutcome | null> {
  const [outcome] = await markAlertsSent(context, { claims: [claim] });
  return outcome ?? null;
}

/**
 * Records a failed attempt: due again at `retryAt`, or failed for good when `retryAt` is
 * null, with an error event in the same transaction. Null when the claim was lost.
 * A failed alert keeps in next_attempt_at when it was given up.
 */
export async function recordAlertFailure(
  context: DomainContext,
  { claim, error, retryAt }: { claim: ClaimedAlert; error: string; retryAt: Date | null },
): Promise<AlertOutcome | null> {
  const now = context.clock.now();
  return inTransaction(context, async (tx) => {
    const [record] = await tx.db.query(
      `update alerts set last_error = $3, claim_token = null,
         status = case when $4::timestamptz is null then 'failed' else 'pending' end,
         next_attempt_at = coalesce($4::timestamptz, $5::timestamptz)
       where ${OWNED}
       returning ${COLUMNS}`,
      [claim.alert.id, claim.claimToken, Array.from(error).slice(0, 1000).join(''), retryAt?.toISOString() ?? null, now.toISOString()],
    );
    if (!record) return null;
    const alert = alertRows.read(record);
    if (alert.status === 'pending') {
      const outcome = (alert.kind === 'down' && (await supersedeByRecovery(tx, alert))) || alert;
      return { alert: outcome, changes: announce(outcome) };
    }
    const events = await recordServerEvents(tx, {
      events: [{ service: alert.service, level: LEVELS.error, message: describeFailedAlert(alert) }],
      at: now,
    });
    return { alert, changes: changes({ feed: [...announce(alert).feed, ...events.map((event) => ({ type: 'event' as const, event }))] }) };
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
      and channel_name is not distinct from $5
    order by created_at, id
    limit 1
    for update
  )
  returning id
)
update alerts set status = 'superseded'
where id = $1 and status = 'pending' and exists (select 1 from recovery)
returning ${COLUMNS}`;

async function supersedeByRecovery({ db }: DomainContext, down: AlertRow): Promise<AlertRow | null> {
  const [record] = await db.query(SUPERSEDE_BY_RECOVERY, [
    down.id,
    down.service,
    down.createdAt.toISOString(),
    unixSeconds(down.createdAt),
    down.channelName,
  ]);
  return record ? alertRows.read(record) : null;
}

function describeFailedAlert(alert: Pick<AlertRow, 'kind' | 'service' | 'channel' | 'channelName' | 'lastError'>): string {
  const through = alert.channelName === null ? alert.channel : `the channel ${alert.channelName} (${alert.channel})`;
  return `The ${alert.kind} alert of ${alert.service} through ${through} failed: ${alert.lastError ?? 'no reason given'}`;
}

/**
 * Hands claimed event alerts back unsent, due at `until`, and moves every other due event
 * alert of the channel there too, so a flood is not claimed and handed back one by one.
 */
export async function deferEventAlerts(
  context: DomainContext,
  { channel, claims, until }: { channel: string; claims: ClaimedAlert[]; until: Date },
): Promise<number> {
  const now = context.clock.now();
  return inTransaction(context, async ({ db }) => {
    const released = await db.query<{ id: string }>(
      `update alerts set attempts = attempts - 1, next_attempt_at = $3, claim_token = null
       where (id, claim_token) in (select * from unnest($1::text[], $2::text[])) and status = 'pending'
       returning id`,
      [claims.map((claim) => claim.alert.id), claims.map((claim) => claim.claimToken), until.toISOString()],
    );
    const moved = await db.query<{ id: string }>(
      `update alerts set next_attempt_at = $3
       where status = 'pending' and next_attempt_at <= $2 and kind = 'event' and channel = $1
       returning id`,
      [channel, now.toISOString(), until.toISOString()],
    );
    return released.length + moved.length;
  });
}

/** When the next alert this process could claim is due; alerts waiting for an older one do not count. */
export async function nextAlertDue({ db }: DomainContext, { events, exclude = [] }: ClaimOptions = {}): Promise<Date | null> {
  const [row] = await db.query(
    `select ${selectInstant('min(c.next_attempt_at)', 'at')} from alerts c
     where c.status = 'pending' and ($1::boolean is null or (c.kind = 'event') = $1)
       and c.id <> all($2::text[]) and ${HEAD_OF_LINE}`,
    [events ?? null, exclude],
  );
  return readInstant(row?.at);
}

/** Alerts given up since `since` (their retries ran out, or the provider refused for good). */
export async function countFailedAlerts({ db }: DomainContext, { since }: { since: Date }): Promise<number> {
  const [row] = await db.query<{ n: string | number }>(
    `select count(*) as n from alerts where status = 'failed' and next_attempt_at >= $1`,
    [since.toISOString()],
  );
  return Number(row?.n ?? 0);
}

/** The newest alerts, of one service or of all. */
export async function listRecentAlerts(
  { db }: DomainContext,
  { limit, service }: { limit: number; service?: string | undefined },
): Promise<AlertRow[]> {
  const records = await db.query(
    `select ${COLUMNS} from alerts where ($2::text is null or service = $2) order by alerts.created_at desc, alerts.id limit $1`,
    [limit, service ?? null],
  );
  return records.map(alertRows.read);
}
