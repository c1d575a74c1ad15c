import type { AlertKind } from '../../db/schema.js';
import type { DomainContext } from '../context.js';

export interface NewAlert {
  kind: AlertKind;
  service: string;
  /** The classic pair (alertType + alertTarget); an empty channel when the service has none. */
  channel: string;
  target: string;
  /** The service's named channels: the alert goes to each too. */
  channels?: string[];
  details: Record<string, unknown>;
}

// One row per delivery: the classic pair's, and one per named channel, typed by its row (a
// channel gone meanwhile still gets its row, which the sender gives up saying why).
const INSERT_ALERTS = `
insert into alerts (kind, service, channel, target, channel_name, details, next_attempt_at, created_at)
select x.kind, x.service, coalesce(c.type, x.channel), x.target, x.channel_name, x.details, $2, $2
from json_to_recordset($1::text::json) as x(kind text, service text, channel text, target text, channel_name text, details jsonb)
left join channels c on c.name = x.channel_name
returning id`;

/** Each delivery of each alert: the classic pair's when the service has one, then its named channels'. */
export function deliveriesOf(alerts: NewAlert[]) {
  return alerts.flatMap(({ channels = [], ...alert }) => [
    ...(alert.channel === '' ? [] : [{ ...alert, channel_name: null }]),
    ...channels.map((name) => ({ ...alert, channel: 'unknown', target: name, channel_name: name })),
  ]);
}

/** Writes alerts to the outbox, raised and due at `at`; inside a transaction, as part of it. */
export async function enqueueAlerts({ db }: DomainContext, { alerts, at }: { alerts: NewAlert[]; at: Date }): Promise<string[]> {
  const deliveries = deliveriesOf(alerts);
  if (deliveries.length === 0) return [];
  const rows = await db.query<{ id: string }>(INSERT_ALERTS, [JSON.stringify(deliveries), at.toISOString()]);
  return rows.map((row) => row.id);
}
