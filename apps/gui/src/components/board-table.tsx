import type { Heartbeat } from '@watchtower/protocol';
import { formatAgo, formatCountdown, formatDateTime, formatDuration } from '../lib/durations.js';
import { boardStatus } from '../lib/heartbeat-status.js';
import { followLink, serviceHref } from '../lib/router.js';
import { shortMessage } from '../lib/service-details.js';
import { activeSnooze } from '../lib/snooze.js';
import { StatusBadge } from './badges.js';

/** How long a row shows that it just changed. */
const UPDATED_MS = 1500;

interface RowProps {
  heartbeat: Heartbeat;
  now: number;
  changedAt: number | undefined;
  /** Offers to cancel each service; no button without it. */
  onCancel: ((heartbeat: Heartbeat) => void) | undefined;
}

/** The services shown on the board, one row each. */
export function BoardTable({
  heartbeats,
  now,
  updated,
  onCancel,
}: {
  heartbeats: readonly Heartbeat[];
  now: number;
  updated: ReadonlyMap<string, number>;
  onCancel: ((heartbeat: Heartbeat) => void) | undefined;
}) {
  return (
    <table className="grid board" aria-label="Services">
      <thead>
        <tr>
          <th scope="col">Service</th>
          <th scope="col">Status</th>
          <th scope="col">Last pulse</th>
          <th scope="col">Deadline</th>
          <th scope="col">nextIn</th>
          <th scope="col">Alerts to</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {heartbeats.map((hb) => (
          <BoardRow key={hb.service} heartbeat={hb} now={now} changedAt={updated.get(hb.service)} onCancel={onCancel} />
        ))}
      </tbody>
    </table>
  );
}

function BoardRow({ heartbeat: hb, now, changedAt, onCancel }: RowProps) {
  const status = boardStatus(hb, now);
  return (
    <tr
      className={`row-${status}${changedAt && Date.now() - changedAt < UPDATED_MS ? ' updated' : ''}`}
      data-service={hb.service}
      data-status={status}
    >
      <ServiceCell heartbeat={hb} />
      <td data-label="Status">
        <span>
          <StatusBadge status={status} />
          {status === 'dead' && hb.alerted && <span className="muted small"> alerted</span>}
          <SnoozeNote heartbeat={hb} now={now} />
        </span>
      </td>
      <td data-label="Last pulse" title={formatDateTime(hb.last)}>
        {formatAgo(now - hb.last)}
      </td>
      <td data-label="Deadline" title={formatDateTime(hb.expected)} className="countdown">
        {status === 'cancelled' ? (
          <span className="muted">none</span>
        ) : (
          // The server may call it dead a tick before this page's clock passes the deadline.
          formatCountdown(status === 'dead' ? Math.min(hb.expected - now, -Number.EPSILON) : hb.expected - now)
        )}
      </td>
      <td data-label="nextIn" title={`${hb.nextIn} s`}>
        {formatDuration(hb.nextIn)}
      </td>
      <AlertsToCell heartbeat={hb} />
      <td className="actions">
        {onCancel && status !== 'cancelled' && (
          <button type="button" className="small-button" onClick={() => onCancel(hb)} aria-label={`Cancel ${hb.service}`}>
            Cancel…
          </button>
        )}
      </td>
    </tr>
  );
}

/** The name, a link to the service's page, and what its last pulse said. */
function ServiceCell({ heartbeat: hb }: { heartbeat: Heartbeat }) {
  return (
    <th scope="row" data-label="Service">
      <a
        className="service-name"
        href={serviceHref(hb.service)}
        onClick={followLink}
        title={`The page of ${hb.service}: settings, ping URLs, runs and signal log`}
      >
        {hb.service}
      </a>
      {hb.message && (
        <span className="pulse-message-short" title={hb.message} data-testid="pulse-message">
          {shortMessage(hb.message)}
        </span>
      )}
    </th>
  );
}

function SnoozeNote({ heartbeat: hb, now }: { heartbeat: Heartbeat; now: number }) {
  const until = activeSnooze(hb, now);
  if (until === null) return null;
  return (
    <span className="snoozed small" data-testid="snoozed" title={`No alert until ${formatDateTime(until)}`}>
      snoozed until {formatDateTime(until)}
    </span>
  );
}

function AlertsToCell({ heartbeat: hb }: { heartbeat: Heartbeat }) {
  return (
    <td data-label="Alerts to" className="target">
      <span>
        <span className="channel">{hb.alertType}</span>{' '}
        <span className="target-text" title={hb.alertTarget}>
          {hb.alertTarget}
        </span>
      </span>
    </td>
  );
}
