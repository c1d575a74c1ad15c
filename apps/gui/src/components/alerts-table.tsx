import type { AlertDelivery } from '@watchtower/protocol';
import { formatAgo, formatDateTime, formatDuration } from '../lib/durations.js';
import { AlertStatusBadge } from './badges.js';

const KIND_WORDS: Record<AlertDelivery['kind'], string> = {
  down: 'down',
  failed: 'failed',
  late: 'late',
  reminder: 'reminder',
  recovered: 'recovered',
  event: 'event',
};

/** Alerts and how their delivery went, newest first. */
export function AlertsTable({ alerts, now }: { alerts: readonly AlertDelivery[]; now: number }) {
  return (
    <table className="grid alerts" aria-label="Alerts">
      <thead>
        <tr>
          <th scope="col">Raised</th>
          <th scope="col">Service</th>
          <th scope="col">Kind</th>
          <th scope="col">Channel</th>
          <th scope="col">Target</th>
          <th scope="col">Delivery</th>
          <th scope="col">Attempts</th>
          <th scope="col">Last error</th>
        </tr>
      </thead>
      <tbody>
        {alerts.map((alert) => (
          <tr key={alert.id} data-alert={alert.id} data-status={alert.status}>
            <td data-label="Raised" className="time" title={formatDateTime(alert.created)}>
              {formatAgo(now - alert.created)}
            </td>
            <td data-label="Service">{alert.service}</td>
            <td data-label="Kind">
              <span className={`kind kind-${alert.kind}`}>{KIND_WORDS[alert.kind]}</span>
            </td>
            <td data-label="Channel">{alert.channel}</td>
            <td data-label="Target" className="target">
              <span className="target-text" title={alert.target}>
                {alert.target}
              </span>
            </td>
            <DeliveryCell alert={alert} now={now} />
            <td data-label="Attempts">{alert.attempts}</td>
            <td data-label="Last error" className="message">
              {alert.lastError ?? <span className="muted">none</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DeliveryCell({ alert, now }: { alert: AlertDelivery; now: number }) {
  return (
    <td data-label="Delivery">
      <span>
        <AlertStatusBadge status={alert.status} />
        <span className="muted small">
          {alert.status === 'sent' && alert.sent !== null && ` ${formatAgo(now - alert.sent)}`}
          {alert.status === 'superseded' && ' recovered first'}
          {alert.status === 'pending' &&
            alert.nextAttempt !== null &&
            ` next try ${alert.nextAttempt > now ? `in ${formatDuration(alert.nextAttempt - now)}` : 'now'}`}
        </span>
      </span>
    </td>
  );
}
