import type { Heartbeat } from '@watchtower/protocol';
import { formatAgo, formatDateTime, formatDuration } from '../lib/durations.js';
import { boardStatus } from '../lib/heartbeat-status.js';
import { followLink, serviceHref } from '../lib/router.js';
import { scheduleWords, stateWords } from '../lib/service-details.js';
import { activeSnooze, snoozeWords } from '../lib/snooze.js';
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
      <SnoozeFact heartbeat={hb} now={now} />
      <dt>Schedule</dt>
      <dd data-testid="service-schedule">{scheduleWords(hb)}</dd>
      <dt>Grace</dt>
      <dd>{hb.grace ? formatDuration(hb.grace) : 'none'}</dd>
      <dt>Max runtime</dt>
      <dd>{hb.maxRuntime ? `${formatDuration(hb.maxRuntime)} after a start` : 'no limit'}</dd>
      <LifecycleFacts heartbeat={hb} />
      <dt>Last signal</dt>
      <dd title={status === 'new' ? undefined : formatDateTime(hb.last)}>{status === 'new' ? 'none yet' : formatAgo(now - hb.last)}</dd>
      <dt>Last message</dt>
      <dd className="pulse-message" data-testid="service-message">
        {hb.message || <span className="muted">none</span>}
      </dd>
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

/** Until when no alert goes out, while a snooze lasts; nothing otherwise. */
function SnoozeFact({ heartbeat: hb, now }: { heartbeat: Heartbeat; now: number }) {
  const until = activeSnooze(hb, now);
  if (until === null) return null;
  return (
    <>
      <dt>Snoozed</dt>
      <dd data-testid="service-snooze" title={formatDateTime(until)}>
        {snoozeWords(until, now)}: no alert until then
      </dd>
    </>
  );
}

/** The early warning, the reminders and the services this one waits for. */
function LifecycleFacts({ heartbeat: hb }: { heartbeat: Heartbeat }) {
  return (
    <>
      <dt>Warn before</dt>
      <dd data-testid="service-warn-before">{hb.warnBefore ? `${formatDuration(hb.warnBefore)} before its deadline` : 'no warning'}</dd>
      <dt>Remind every</dt>
      <dd data-testid="service-remind-every">{hb.remindEvery ? `${formatDuration(hb.remindEvery)} while dead` : 'no reminder'}</dd>
      <dt>Depends on</dt>
      <dd data-testid="service-depends-on">
        {hb.dependsOn && hb.dependsOn.length > 0 ? (
          <ul className="tags" aria-label="Depends on">
            {hb.dependsOn.map((parent) => (
              <li key={parent} className="tag">
                <a href={serviceHref(parent)} onClick={followLink}>
                  {parent}
                </a>
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted">nothing</span>
        )}
      </dd>
    </>
  );
}
