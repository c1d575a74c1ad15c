import type { Storage } from '../db/client.js';
import { claimOverdueHeartbeats, nextDeadline } from '../domain/alerts/claim-overdue-heartbeats.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { StepResult } from './loop.js';

const BATCH = 500;

/** One sweep: claims every overdue heartbeat (a batch at a time) and says when to look again. */
export function createSweepStep({
  storage,
  clock,
  log,
  onClaimed,
}: {
  storage: Storage;
  clock: Clock;
  log: Logger;
  onClaimed: () => void;
}): () => Promise<StepResult> {
  return async () => {
    const now = clock.now();
    const services = await claimOverdueHeartbeats(storage, now, BATCH);
    if (services.length > 0) {
      for (const service of services) log.info({ service }, 'heartbeat.dead');
      onClaimed();
      return { didWork: services.length === BATCH };
    }
    return { didWork: false, wakeAt: await nextDeadline(storage) };
  };
}
