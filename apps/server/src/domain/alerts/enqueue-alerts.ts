import type { Event } from '@watchtower/protocol';
import type { Query } from '../../db/client.js';
import type { AlertKind } from '../../db/schema.js';

export interface NewAlert {
  kind: AlertKind;
  service: string;
  channel: string;
  target: string;
  details: Record<string, unknown>;
}

export interface NewEvent {
  service: string;
  level: number;
  message: string;
}

const INSERT_ALERTS = `
insert into alerts (kind, service, channel, target, details, next_attempt_at, created_at)
select x.kind, x.service, x.channel, x.target, x.details, $2, $2
from json_to_recordset($1::text::json) as x(kind text, service text, channel text, target text, details jsonb)
returning id`;

const INSERT_EVENTS = `
insert into events (service, level, message, date)
select x.service, x.level, x.message, $2
from json_to_recordset($1::text::json) as x(i int, service text, level int, message text)
order by x.i
returning id, service, level, message, extract(epoch from date) as date`;

/** Writes alerts to the outbox (due at once), inside the caller's transaction. */
export async function enqueueAlerts(query: Query, alerts: NewAlert[], at: Date): Promise<string[]> {
  if (alerts.length === 0) return [];
  const rows = await query<{ id: string }>(INSERT_ALERTS, [JSON.stringify(alerts), at.toISOString()]);
  return rows.map((row) => row.id);
}

/**
 * Records events written by the server itself (deaths, restarts), inside the caller's
 * transaction, and answers them in the protocol's form, in input order.
 */
export async function recordServerEvents(query: Query, events: NewEvent[], at: Date): Promise<Event[]> {
  if (events.length === 0) return [];
  const numbered = events.map((event, i) => ({ ...event, i }));
  const rows = await query<{ id: string | number; service: string; level: number; message: string; date: string | number }>(
    INSERT_EVENTS,
    [JSON.stringify(numbered), at.toISOString()],
  );
  return rows
    .map((row) => ({ id: Number(row.id), service: row.service, level: row.level, message: row.message, date: Number(row.date) }))
    .sort((a, b) => a.id - b.id);
}
