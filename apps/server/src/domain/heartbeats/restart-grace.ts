import { formatIsoTime, LEVELS } from '@watchtower/protocol';
import type { Query, Storage } from '../../db/client.js';
import { recordServerEvents } from '../events/insert-events.js';

export interface Downtime {
  from: Date;
  to: Date;
}

export interface Registration {
  /** When no server process ran before this one started, if that can be told. */
  downtime: Downtime | null;
  /** Services whose deadline passed during the downtime and got one fresh nextIn. */
  graced: string[];
}

interface InstanceSummary extends Record<string, unknown> {
  last_seen_ms: string | number | null;
  others_alive: boolean | null;
}

/**
 * Registers this process and, when no other process was running, gives every armed
 * service whose deadline passed while the server was down one fresh `nextIn` from now:
 * its pulses may have gone into the void, so calling it dead would be a false alarm.
 * Each such service gets an event that says so. All in one transaction.
 */
/**
 * How a starting process tells whether the others still run. `lock`: each process holds a
 * PostgreSQL advisory lock for its id as long as its session lives (see holdLivenessLock),
 * so a killed process is known dead at once. `staleAfterMs`: a process not seen for that
 * long is gone (0 when a data-folder lock already proves that no other process runs).
 */
export type LivenessProbe = { lock: true } | { staleAfterMs: number };

// The first key of the two-key advisory locks that say "this server process runs".
export const LIVENESS_LOCK_CLASS = 746_574;

export async function registerInstance(
  storage: Storage,
  { id, now, probe }: { id: string; now: Date; probe: LivenessProbe },
): Promise<Registration> {
  return storage.transaction(async (query) => {
    // One registration at a time, so two processes starting together agree on the downtime.
    await query(`lock table server_instances in share row exclusive mode`, []);
    if ('lock' in probe) {
      // A free lock means its process is gone; taking it here proves it (and gives it back).
      await query(
        `update server_instances set stopped = true
         where id <> $1 and not stopped
           and pg_try_advisory_xact_lock(${LIVENESS_LOCK_CLASS}, hashtext(id))`,
        [id],
      );
    }
    const staleBefore = 'lock' in probe ? new Date(0) : new Date(now.getTime() - probe.staleAfterMs);
    const [summary] = await query<InstanceSummary>(
      `select extract(epoch from max(seen_at)) * 1000 as last_seen_ms,
              bool_or(not stopped and seen_at > $1) as others_alive
       from server_instances where id <> $2`,
      [staleBefore.toISOString(), id],
    );
    await query(
      `insert into server_instances (id, started_at, seen_at) values ($1, $2, $2)
       on conflict (id) do update set seen_at = $2, stopped = false`,
      [id, now.toISOString()],
    );
    // Rows of long-gone processes; the newest is kept for the next start.
    await query(
      `delete from server_instances where id <> $1 and seen_at < (select max(seen_at) from server_instances) - interval '1 day'`,
      [id],
    );
    if (summary?.last_seen_ms === null || summary?.last_seen_ms === undefined || summary.others_alive) {
      return { downtime: null, graced: [] };
    }
    const downtime = { from: new Date(Number(summary.last_seen_ms)), to: now };
    if (downtime.from >= downtime.to) return { downtime: null, graced: [] };
    const graced = await graceUnheardTime(query, { ...downtime, cause: 'restart' });
    return { downtime, graced };
  });
}

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

/** Refreshes this process's sign of life. */
export async function touchInstance(storage: Storage, id: string, now: Date): Promise<void> {
  await storage.query(`update server_instances set seen_at = $2 where id = $1`, [id, now.toISOString()]);
}

/** Marks this process as stopped cleanly, at `now`. */
export async function stopInstance(storage: Storage, id: string, now: Date): Promise<void> {
  await storage.query(`update server_instances set seen_at = $2, stopped = true where id = $1`, [id, now.toISOString()]);
}

/**
 * Holds this process's liveness lock on a connection of its own for as long as the
 * process runs; the lock goes with the session when the process dies.
 */
export async function holdLivenessLock(url: string, id: string): Promise<{ release(): Promise<void> }> {
  const { default: postgres } = await import('postgres');
  // One connection that is never recycled: the lock lives exactly as long as it.
  const connection = postgres(url, { max: 1, idle_timeout: 0, max_lifetime: null, onnotice: () => {} });
  await connection`select pg_advisory_lock(${LIVENESS_LOCK_CLASS}, hashtext(${id}))`;
  return { release: () => connection.end({ timeout: 5 }) };
}
