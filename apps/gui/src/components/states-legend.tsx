import { formatDuration } from '../lib/durations.js';
import { LATE_MAX_SECONDS, LATE_SHARE } from '../lib/heartbeat-status.js';
import { StatusBadge } from './badges.js';

/** What the board's states mean. */
export function StatesLegend() {
  return (
    <details className="legend">
      <summary>What the states mean</summary>
      <dl>
        <dt>
          <StatusBadge status="alive" />
        </dt>
        <dd>pulsed in time; its deadline is the last pulse plus its nextIn.</dd>
        <dt>
          <StatusBadge status="late" />
        </dt>
        <dd>
          alive, but less than {LATE_SHARE * 100} % of its nextIn (and at most {formatDuration(LATE_MAX_SECONDS)}) is left before its
          deadline.
        </dd>
        <dt>
          <StatusBadge status="dead" />
        </dt>
        <dd>past its deadline without a pulse; its owner is alerted once ("alerted"), and again when it pulses.</dd>
        <dt>
          <StatusBadge status="cancelled" />
        </dt>
        <dd>no longer expected: no alert; its next pulse arms it again.</dd>
      </dl>
    </details>
  );
}
