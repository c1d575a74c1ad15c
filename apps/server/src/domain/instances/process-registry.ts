import { readInstant, selectInstant } from '../../db/rows.js';
import { inTransaction, type DomainContext } from '../context.js';
import { graceUnheardTime } from '../heartbeats/restart-grace.js';
import { recordServerDowntime } from '../history/record-flips.js';

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

/**
 * How a starting process tells whether the others still run. `lock`: each process holds a
 * PostgreSQL advisory lock for its id as long as its session lives (see holdLivenessLock),
 * so a killed process is known dead at once. `staleAfterMs`: a process not seen for that
 * long is gone (0 when a data-folder lock already proves that no other process runs).
 */
export type LivenessProbe = { lock: true } | { staleAfterMs: number };

// The first key of the two-key advisory locks that say "this server process runs".
export const LIVENESS_LOCK_CLASS = 746_574;

/**
 * Registers this process and, when no other process was running, gives every armed
 * service whose deadline passed while the server was down one fresh `nextIn` from now:
 * its pulses may have gone into the void, so calling it dead would be a false alarm.
 * Each such service gets an event that says so. All in one transaction.
 */
export async function registerInstance(context: DomainContext, { id, probe }: { id: string; probe: LivenessProbe }): Promise<Registration> {
  const now = context.clock.now();
  return inTransaction(context, async (tx) => {
    const query = tx.db.query;
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
    const [summary] = await query<{ last_seen: unknown; others_alive: boolean | null }>(
      `select ${selectInstant('max(seen_at)', 'last_seen')},
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
    const lastSeen = readInstant(summary?.last_seen);
    if (!lastSeen || summary?.others_alive) return { downtime: null, graced: [] };
    const downtime = { from: lastSeen, to: now };
    if (downtime.from >= downtime.to) return { downtime: null, graced: [] };
    const { graced } = await graceUnheardTime(tx, { ...downtime, cause: 'restart' });
    // Kept for the history: this time is unknown in every service's uptime (the rows of
    // server_instances that show it are deleted after a day).
    await recordServerDowntime(tx, downtime);
    return { downtime, graced };
  });
}

/** Refreshes this process's sign of life. */
export async function touchInstance({ db, clock }: DomainContext, { id }: { id: string }): Promise<void> {
  await db.query(`update server_instances set seen_at = $2 where id = $1`, [id, clock.now().toISOString()]);
}

/** Marks this process as stopped cleanly, now. */
export async function stopInstance({ db, clock }: DomainContext, { id }: { id: string }): Promise<void> {
  await db.query(`update server_instances set seen_at = $2, stopped = true where id = $1`, [id, clock.now().toISOString()]);
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
