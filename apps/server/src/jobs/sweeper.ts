import type { Storage } from '../db/client.js';
import type { OutageTracker } from '../db/outage.js';
import { graceUnheardTime } from '../domain/heartbeats/restart-grace.js';
import { claimOverdueHeartbeats } from '../domain/heartbeats/claim-overdue-heartbeats.js';
import { claimLifecycleAlerts, nextDeadline } from '../domain/heartbeats/lifecycle-alerts.js';
import type { ChangeFeed } from '../feed/change-feed.js';
import { applyChanges, type JobSignals } from '../domain/changes.js';
import type { Clock, DatabaseClock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { StepResult } from './loop.js';

// A claim of many: 10,000 deaths in the same second are five transactions, not twenty.
const BATCH = 2000;
/** A difference between the database's clock and this process's larger than this is a leap, not drift. */
export const CLOCK_LEAP_MS = 2_000;

/** One sweep: claims every overdue heartbeat (a batch at a time) and says when to look again. */
export function createSweepStep({
  storage,
  clock,
  log,
  feed,
  signals,
  outage,
  followClock,
  metrics,
}: {
  storage: Storage;
  clock: Clock;
  log: Logger;
  feed: ChangeFeed;
  /** Wakes the sender for the alerts a claim queued; the sweeper keeps its own deadlines. */
  signals: Pick<JobSignals, 'alertQueued'>;
  /** Database outages seen by this process: services get grace for them before any claim. */
  outage?: OutageTracker;
  /** The database's clock, read again before every sweep; a forward jump is time unheard. */
  followClock?: DatabaseClock;
  /** Told how late each death was claimed, for /metrics. */
  metrics?: Pick<Metrics, 'observeSweep'> | undefined;
}): () => Promise<StepResult> {
  const context = { db: storage, clock };
  const targets = { feed, signals: { deadlineSet: () => {}, ...signals }, log };
  /**
   * Follows the database's clock. When it leapt ahead of this process's monotonic clock,
   * every deadline came closer by the leap: services get grace for it, as for a downtime.
   */
  async function followDatabaseClock(clock: DatabaseClock): Promise<void> {
    const { before, after, adopt } = await clock.read();
    const leapMs = after.getTime() - before.getTime();
    if (leapMs > CLOCK_LEAP_MS) {
      const { graced, changes } = await graceUnheardTime(context, { from: before, to: after, cause: 'clock' });
      applyChanges(changes, targets);
      log.warn({ from: before, to: after, graced: graced.length }, 'clock.leapt');
    } else if (leapMs < -CLOCK_LEAP_MS) {
      log.warn({ from: before, to: after }, 'clock.went_back');
    }
    adopt();
  }

  /**
   * The database answers again (or this throws and the loop retries): pulses refused
   * meanwhile may have been lost, so grace comes before any death is claimed. The outage's
   * end is taken once the database answers a ping at once; if a failure is seen while the
   * grace is written, the outage is not over, and the next step gives grace again.
   */
  async function graceOutage(since: Date): Promise<boolean> {
    const seen = outage!.failures();
    await storage.ping();
    const to = clock.now();
    const { graced, changes } = await graceUnheardTime(context, { from: since, to, cause: 'outage' });
    applyChanges(changes, targets);
    log.warn({ from: since, to, graced: graced.length }, 'database.recovered');
    outage!.end(seen);
    return outage!.since() === null;
  }

  return async () => {
    if (followClock) await followDatabaseClock(followClock);
    const since = outage?.since();
    // Not over yet: no claim until a grace covers the whole outage.
    if (since && !(await graceOutage(since))) return { didWork: true };
    const deaths = await claimOverdueHeartbeats(context, { limit: BATCH });
    applyChanges(deaths.changes, targets);
    metrics?.observeSweep(deaths.lateBy);
    // Late notices, reminders and released deaths: after the deaths, which may hold children back.
    const notices = await claimLifecycleAlerts(context, { limit: BATCH });
    applyChanges(notices.changes, targets);
    if (deaths.services.length > 0 || notices.count > 0) {
      // Go again at once: the next step claims the rest, or names the next deadline. Without
      // it the loop would sleep a whole poll and miss the deadlines that follow.
      return { didWork: true };
    }
    return { didWork: false, wakeAt: await nextDeadline(context) };
  };
}
