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
from json_to_recordset($1::text::json) as x(service text, level int, message text)`;

/** Writes alerts to the outbox (due at once), inside the caller's transaction. */
export async function enqueueAlerts(query: Query, alerts: NewAlert[], at: Date): Promise<string[]> {
  if (alerts.length === 0) return [];
  const rows = await query<{ id: string }>(INSERT_ALERTS, [JSON.stringify(alerts), at.toISOString()]);
  return rows.map((row) => row.id);
}

/** Records events written by the server itself (deaths, recoveries), inside the caller's transaction. */
export async function recordServerEvents(query: Query, events: NewEvent[], at: Date): Promise<void> {
  if (events.length === 0) return;
  await query(INSERT_EVENTS, [JSON.stringify(events), at.toISOString()]);
}
