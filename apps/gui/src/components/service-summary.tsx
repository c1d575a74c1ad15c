import type { Heartbeat } from '@watchtower/protocol';
import { formatAgo, formatDateTime, formatDuration } from '../lib/durations.js';
import { boardStatus } from '../lib/heartbeat-status.js';
import { scheduleWords, stateWords } from '../lib/service-details.js';
import { StatusBadge } from './badges.js';

/** A service's state and configuration, in words. */
export function ServiceSummary({ heartbeat: hb, now }: { heartbeat: Heartbeat; now: number }) {
  const status = boardStatus(hb, now);
  return (
    <dl className="facts">
      <dt>Status</dt>
      <dd data-testid="service-state">
        <StatusBadge status={status} /> {stateWords(hb, now)}
      </dd>
      <dt>Schedule</dt>
      <dd data-testid="service-schedule">{scheduleWords(hb)}</dd>
      <dt>Grace</dt>
      <dd>{hb.grace ? formatDuration(hb.grace) : 'none'}</dd>
      <dt>Max runtime</dt>
      <dd>{hb.maxRuntime ? `${formatDuration(hb.maxRuntime)} after a start` : 'no limit'}</dd>
      <dt>Last signal</dt>
      <dd title={status === 'new' ? undefined : formatDateTime(hb.last)}>{status === 'new' ? 'none yet' : formatAgo(now - hb.last)}</dd>
      <dt>Alerts to</dt>
      <dd>
        <span className="channel">{hb.alertType}</span> {hb.alertTarget}
        {hb.channels && hb.channels.length > 0 && <span className="muted"> and the channels {hb.channels.join(', ')}</span>}
      </dd>
      <dt>Description</dt>
      <dd className="description">{hb.description || <span className="muted">none</span>}</dd>
      <dt>Tags</dt>
      <dd>
        {hb.tags && hb.tags.length > 0 ? (
          <ul className="tags" aria-label="Tags">
            {hb.tags.map((tag) => (
              <li key={tag} className="tag">
                {tag}
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted">none</span>
        )}
      </dd>
    </dl>
  );
}
