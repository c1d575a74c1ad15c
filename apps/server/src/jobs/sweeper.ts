import type { Storage } from '../db/client.js';
import { claimOverdueHeartbeats, nextDeadline } from '../domain/alerts/claim-overdue-heartbeats.js';
import type { ChangeFeed } from '../lib/change-feed.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { StepResult } from './loop.js';

const BATCH = 500;

/** One sweep: claims every overdue heartbeat (a batch at a time) and says when to look again. */
export function createSweepStep({
  storage,
  clock,
  log,
  feed,
  onClaimed,
}: {
  storage: Storage;
  clock: Clock;
  log: Logger;
  feed: ChangeFeed;
  onClaimed: () => void;
}): () => Promise<StepResult> {
  return async () => {
    const now = clock.now();
    const claims = await claimOverdueHeartbeats(storage, now, BATCH);
    if (claims.length > 0) {
      for (const { service } of claims) log.info({ service }, 'heartbeat.dead');
      onClaimed();
      feed.publish(
        claims.flatMap(({ service, event }) => [
          { type: 'heartbeat.dead' as const, service },
          { type: 'event' as const, event },
        ]),
      );
      // Go again at once: the next step claims the rest, or names the next deadline. Without
      // it the loop would sleep a whole poll and miss the deadlines that follow.
      return { didWork: true };
    }
    return { didWork: false, wakeAt: await nextDeadline(storage) };
  };
}
