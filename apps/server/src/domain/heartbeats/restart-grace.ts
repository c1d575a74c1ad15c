import { watchTimes } from './lifecycle-alerts.js';
import { formatIsoTime, LEVELS } from '@watchtower/protocol';
import { heartbeatRows } from '../../db/rows.js';
import { changes, type Changes } from '../changes.js';
import { inTransaction, type DomainContext } from '../context.js';
import { recordServerEvents } from '../events/insert-events.js';
import { toHeartbeat } from '../views.js';

/** Why pulses may have gone unheard for a while. */
export type UnheardCause = 'restart' | 'outage' | 'clock';

const WHAT_HAPPENED: Record<UnheardCause, string> = {
  restart: 'no watchtower server ran',
  outage: 'the database could not be used from a watchtower server',
  clock: "the server's clock jumped forward",
};

/**
 * Gives grace for a time when pulses may have gone unheard (`from` to `to`): every armed
 * service whose deadline is on or after `from`, and that pulsed last before `to`, could
 * have pulsed into the void, so it gets until one fresh nextIn after `to` before it can be
 * called dead. Records an event for the server and one for each such service, in one
 * transaction. Answers the services whose deadline moved.
 */
export async function graceUnheardTime(
  context: DomainContext,
  { from, to, cause }: { from: Date; to: Date; cause: UnheardCause },
): Promise<{ graced: string[]; changes: Changes }> {
  return inTransaction(context, async (tx) => {
    const graced = (
      await tx.db.query(
        `update heartbeats set expected_at = $2::timestamptz + next_in * interval '1 second'
         where not alerted and not cancelled and expected_at >= $1 and last_at < $2
           and expected_at < $2::timestamptz + next_in * interval '1 second'
         returning ${heartbeatRows.columns()}`,
        [from.toISOString(), to.toISOString()],
      )
    ).map(heartbeatRows.read);
    const span = `${formatIsoTime(from)} to ${formatIsoTime(to)}`;
    const happened = WHAT_HAPPENED[cause];
    const events = await recordServerEvents(tx, {
      events: [
        {
          service: 'watchtower',
          // A plain restart is worth a note; one that changed deadlines is worth a warning.
          level: graced.length > 0 ? LEVELS.warning : LEVELS.info,
          message: `${happened[0]!.toUpperCase()}${happened.slice(1)} from ${span}; ${graced.length} service(s) whose deadline fell in or soon after that time got one fresh nextIn before they can be called dead.`,
        },
        ...graced.map((row) => ({
          service: row.service,
          level: LEVELS.warning,
          message: `Its pulses may have gone unheard while ${happened} (${span}), so it has until ${formatIsoTime(row.expectedAt)} to pulse before it is called dead.`,
        })),
      ],
      at: to,
    });
    const now = tx.clock.now();
    return {
      graced: graced.map((row) => row.service),
      changes: changes({
        feed: [
          ...graced.map((row) => ({ type: 'heartbeat' as const, heartBeat: toHeartbeat(row, now) })),
          ...events.map((event) => ({ type: 'event' as const, event })),
        ],
        deadlines: graced.flatMap(watchTimes),
      }),
    };
  });
}
