import type { Storage } from '../db/client.js';
import { touchInstance } from '../domain/instances/process-registry.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';

/** How often a process records that it is alive. */
export const LIVENESS_INTERVAL_MS = 5_000;

/** Refreshes this process's row in server_instances until stopped. */
export function startLiveness(storage: Storage, id: string, clock: Clock, log: Logger): { stop(): void } {
  const timer = setInterval(() => {
    touchInstance({ db: storage, clock }, { id }).catch((error: unknown) => log.warn({ err: error }, 'liveness update failed'));
  }, LIVENESS_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
