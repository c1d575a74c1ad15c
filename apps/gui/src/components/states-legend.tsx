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
          alive, but its deadline is closer than its warnBefore: its owner was warned once. A service without warnBefore is never late soon.
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
