import type { AlertDelivery } from '@watchtower/protocol';
import type { Storage } from '../../db/client.js';
import type { AlertRow } from '../../db/schema.js';

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

// A claim moves the due time a lease ahead, so no other sender takes the alert while this
// one delivers; if this one dies, the alert is due again when the lease runs out.
const CLAIM_DUE = `
update alerts set attempts = attempts + 1, next_attempt_at = $2
where id in (
  select id from alerts
  where status = 'pending' and next_attempt_at <= $1
  order by next_attempt_at
  limit $3
  for update skip locked
)
returning ${COLUMNS}`;

export async function claimDueAlerts(storage: Storage, now: Date, leaseMs: number, limit = 20): Promise<AlertRow[]> {
  const rows = await storage.query<AlertRecord>(CLAIM_DUE, [
    now.toISOString(),
    new Date(now.getTime() + leaseMs).toISOString(),
    limit,
  ]);
  return rows.map(toAlertRow);
}

export async function markAlertSent(storage: Storage, id: string, at: Date): Promise<AlertRow | null> {
  const [row] = await storage.query<AlertRecord>(
    `update alerts set status = 'sent', sent_at = $2, last_error = null where id = $1 returning ${COLUMNS}`,
    [id, at.toISOString()],
  );
  return row ? toAlertRow(row) : null;
}

/** Records a failed attempt: due again at `retryAt`, or failed for good when `retryAt` is null. */
export async function recordAlertFailure(
  storage: Storage,
  id: string,
  error: string,
  retryAt: Date | null,
): Promise<AlertRow | null> {
  const [row] = await storage.query<AlertRecord>(
    `update alerts set last_error = $2,
       status = case when $3::timestamptz is null then 'failed' else 'pending' end,
       next_attempt_at = coalesce($3::timestamptz, next_attempt_at)
     where id = $1
     returning ${COLUMNS}`,
    [id, error.slice(0, 1000), retryAt?.toISOString() ?? null],
  );
  return row ? toAlertRow(row) : null;
}

export async function nextAlertDue(storage: Storage): Promise<Date | null> {
  const [row] = await storage.query<{ at_ms: string | number | null }>(
    `select extract(epoch from min(next_attempt_at)) * 1000 as at_ms from alerts where status = 'pending'`,
    [],
  );
  return row?.at_ms === null || row?.at_ms === undefined ? null : new Date(Number(row.at_ms));
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
