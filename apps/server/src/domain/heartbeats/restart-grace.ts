import { formatIsoTime, LEVELS } from '@watchtower/protocol';
import type { Query } from '../../db/client.js';
import { recordServerEvents } from '../events/insert-events.js';

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
 * called dead. Records an event for the server and one for each such service, inside the
 * caller's transaction. Answers the services whose deadline moved.
 */
export async function graceUnheardTime(
  query: Query,
  { from, to, cause }: { from: Date; to: Date; cause: UnheardCause },
): Promise<string[]> {
  const graced = await query<{ service: string; expected_ms: string | number }>(
    `update heartbeats set expected_at = $2::timestamptz + next_in * interval '1 second'
     where not alerted and not cancelled and expected_at >= $1 and last_at < $2
       and expected_at < $2::timestamptz + next_in * interval '1 second'
     returning service, extract(epoch from expected_at) * 1000 as expected_ms`,
    [from.toISOString(), to.toISOString()],
  );
  const span = `${formatIsoTime(from)} to ${formatIsoTime(to)}`;
  const happened = WHAT_HAPPENED[cause];
  await recordServerEvents(
    query,
    [
      {
        service: 'watchtower',
        // A plain restart is worth a note; one that changed deadlines is worth a warning.
        level: graced.length > 0 ? LEVELS.warning : LEVELS.info,
        message: `${happened[0]!.toUpperCase()}${happened.slice(1)} from ${span}; ${graced.length} service(s) whose deadline fell in or soon after that time got one fresh nextIn before they can be called dead.`,
      },
      ...graced.map((row) => ({
        service: row.service,
        level: LEVELS.warning,
        message: `Its pulses may have gone unheard while ${happened} (${span}), so it has until ${formatIsoTime(new Date(Number(row.expected_ms)))} to pulse before it is called dead.`,
      })),
    ],
    to,
  );
  return graced.map((row) => row.service);
}
