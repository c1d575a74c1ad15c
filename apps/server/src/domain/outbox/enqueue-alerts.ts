import type { AlertKind } from '../../db/schema.js';
import type { DomainContext } from '../context.js';

export interface NewAlert {
  kind: AlertKind;
  service: string;
  channel: string;
  target: string;
  details: Record<string, unknown>;
}

const INSERT_ALERTS = `
insert into alerts (kind, service, channel, target, details, next_attempt_at, created_at)
select x.kind, x.service, x.channel, x.target, x.details, $2, $2
from json_to_recordset($1::text::json) as x(kind text, service text, channel text, target text, details jsonb)
returning id`;

/** Writes alerts to the outbox, raised and due at `at`; inside a transaction, as part of it. */
export async function enqueueAlerts({ db }: DomainContext, { alerts, at }: { alerts: NewAlert[]; at: Date }): Promise<string[]> {
  if (alerts.length === 0) return [];
  const rows = await db.query<{ id: string }>(INSERT_ALERTS, [JSON.stringify(alerts), at.toISOString()]);
  return rows.map((row) => row.id);
}
